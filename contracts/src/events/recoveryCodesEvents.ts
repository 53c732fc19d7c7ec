/**
 * Recovery codes: a set generated (replacing any before it), and a code used
 * to answer a login or password-reset challenge. Only keyed hashes of the codes
 * are recorded; the codes themselves are shown once and kept nowhere.
 */
import { Type } from '@sinclair/typebox';
import { event, Id, Instant } from './eventSchema.ts';

export const recoveryCodesEvents = {
  RecoveryCodesGenerated: event(
    'RecoveryCodesGenerated',
    1,
    Type.Object({
      userId: Id,
      /**
       * Keyed BLAKE2b (identity's hashing key) of the user id and each normalised code. Not personal data: without
       * the key they confirm no guess, and they name nobody. Every code of an earlier set stops working.
       */
      codeHashes: Type.Array(Type.String(), { minItems: 1 }),
      generatedAt: Instant,
      /** How the user proved it: the password again, or a step-up token for MANAGE_RECOVERY_CODES. */
      authorisedBy: Type.Union([Type.Literal('PASSWORD'), Type.Literal('STEP_UP')]),
      /** `{to, locale}` sealed to the notifier's key for the "recovery codes generated" SMS; personal data. */
      sealedNotice: Type.Optional(Type.String()),
    }),
  ),
  RecoveryCodeUsed: event(
    'RecoveryCodeUsed',
    1,
    Type.Object({
      userId: Id,
      /** The login or password-reset challenge the code answered. */
      sessionId: Id,
      /** The keyed hash of the code used: it works no more. */
      codeHash: Type.String(),
      codesLeft: Type.Integer({ minimum: 0 }),
      /** `{to, locale}` sealed to the notifier's key for the "recovery code used" SMS; personal data. */
      sealedNotice: Type.Optional(Type.String()),
    }),
  ),
} as const;
