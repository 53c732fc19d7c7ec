export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * NIST 800-63B: length only, no composition rules, counted in code points so
 * emoji and accented letters count as one character each.
 */
export function passwordLengthAllowed(password: string): boolean {
  const length = [...password.normalize('NFC')].length;
  return length >= PASSWORD_MIN_LENGTH && length <= PASSWORD_MAX_LENGTH;
}

/**
 * The form in which a password is looked up in the breached list: NFC, then
 * lower case by Unicode's default (locale-free) mapping, so "PassWord1" and
 * "password1", or an accent typed composed and decomposed, are one entry.
 */
export function foldPassword(password: string): string {
  return password.normalize('NFC').toLowerCase();
}

/**
 * What, if anything, refuses a new password (sign-up, change or reset): its
 * length, then the list of common breached passwords, asked through
 * `isBreached` with the folded password (the list itself is I/O, outside the domain).
 */
export function passwordPolicyViolation(
  password: string,
  isBreached: (foldedPassword: string) => boolean,
): 'PASSWORD_POLICY' | 'PASSWORD_BREACHED' | undefined {
  if (!passwordLengthAllowed(password)) return 'PASSWORD_POLICY';
  if (isBreached(foldPassword(password))) return 'PASSWORD_BREACHED';
  return undefined;
}
