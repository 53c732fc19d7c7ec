/**
 * Fields and formats the bodies of the public API share. Every string and
 * array is bounded so that any schema-valid body fits under the gateway's
 * body limit, however it is encoded.
 */
import { Type } from '@sinclair/typebox';
import { example } from '../apiExamples.ts';

/** E.164: a plus, a non-zero digit, then 6 to 14 digits. */
export const E164_PATTERN = '^\\+[1-9][0-9]{6,14}$';

/**
 * JSON Schema formats the gateway's validator registers beside the standard
 * ones: a format names a rule no pattern can state.
 */
export const apiFormats = {
  /** A number in E.164 form that can receive SMS: valid for its country, and of the mobile (or fixed-line-or-mobile) type. */
  phoneNumber: 'e164',
  /** A new password: its Unicode NFC form is 8 to 128 code points, the length identity checks. */
  newPassword: 'nfc-password',
  /** Where a step-up's money goes: 1 to 200 printable code points in NFC form (no control or format characters). */
  stepUpDestination: 'step-up-destination',
} as const;

/** NIST 800-63B: length only, counted in code points of the NFC form (identity's passwordPolicy). */
export const passwordLength = { min: 8, max: 128 } as const;

export const Email = Type.String({
  format: 'email',
  maxLength: 254,
  description: 'Compared case-insensitively.',
  examples: [example.email],
});
export const Username = Type.String({
  minLength: 3,
  maxLength: 254,
  description: 'The email the user signed up with, in any letter case.',
  examples: [example.email],
});
export const NewPassword = Type.String({
  minLength: passwordLength.min,
  maxLength: passwordLength.max,
  format: apiFormats.newPassword,
  description: `${passwordLength.min} to ${passwordLength.max} Unicode code points, both as sent and in NFC form (format \`${apiFormats.newPassword}\`); no composition rules. One of the 100,000 most common breached passwords (in any letter case) is refused with 422 PASSWORD_BREACHED.`,
  examples: [example.password],
});
/**
 * A password being checked at login: no policy, since any wrong one is simply
 * wrong. 512 code points is more than any password the policy lets anyone set
 * (128 in NFC form, at most 4 code points each once decomposed).
 */
export const CurrentPassword = Type.String({
  maxLength: 512,
  description: 'The password chosen at sign-up or at the last reset; any other is answered 401 INVALID_CREDENTIALS.',
  examples: [example.password],
});
export const SessionId = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'The `sessionId` of the login or password-reset answer.',
  examples: [example.loginSessionId],
});
export const ChallengeType = Type.Literal('SMS_OTP', { description: 'The only challenge so far: a code sent by SMS.' });
export const IdParam = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' });
export const Uuid = Type.String({ description: 'An id made by Tessera.' });
export const Instant = Type.String({ format: 'date-time' });
export const AccountKind = Type.Union([Type.Literal('MAIN'), Type.Literal('SUB')], {
  description: 'MAIN: made at sign-up; SUB: each further account.',
});
export const AccountStatus = Type.Union([Type.Literal('PENDING_KYC'), Type.Literal('ACTIVE')], {
  description: "ACTIVE (validated) once the user's KYC is approved or an account manager activated it.",
});
export const PortfolioAccountType = Type.Union([Type.Literal('TRADING'), Type.Literal('STANDARD')], {
  description:
    'The first portfolio of an account is its TRADING portfolio, where deposits land; later ones are STANDARD.',
});
