/**
 * The shape of recovery codes, shared by the API schema, the gateway and
 * identity: 10 characters of a 32-letter alphabet (Crockford's base32 in lower
 * case: no i, l, o or u to confuse), 50 bits each, shown as `xxxxx-xxxxx`.
 */
export const RECOVERY_CODE_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
export const RECOVERY_CODE_LENGTH = 10;
export const RECOVERY_CODE_COUNT = 10;

const letter = '[0-9a-hjkmnp-tv-zA-HJKMNP-TV-Z]';
/** Either case, the hyphen after the fifth character optional. */
export const RECOVERY_CODE_PATTERN = `^${letter}{5}-?${letter}{5}$`;

/** The form codes are hashed in: lower case, no hyphen. */
export function normaliseRecoveryCode(code: string): string {
  return code.replace('-', '').toLowerCase();
}

/** The form codes are shown in: `xxxxx-xxxxx`. */
export function formatRecoveryCode(code: string): string {
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}
