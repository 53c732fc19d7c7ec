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
