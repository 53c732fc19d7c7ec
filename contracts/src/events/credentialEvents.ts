/** Passwords and one-time codes: wrong passwords and their lock, codes issued or held back, checked, and a password reset. */
import { Type } from '@sinclair/typebox';
import { event, Id, Instant, OtpPurpose } from './eventSchema.ts';

export const credentialEvents = {
  LoginFailed: event(
    'LoginFailed',
    1,
    Type.Object({
      userId: Id,
      consecutiveFailures: Type.Integer({ minimum: 1 }),
    }),
  ),
  LoginTemporarilyLocked: event(
    'LoginTemporarilyLocked',
    1,
    Type.Object({
      userId: Id,
      /** Wrong passwords in a row so far; from the threshold on, each one locks for twice as long, up to a cap. */
      consecutiveFailures: Type.Integer({ minimum: 1 }),
      /** Until then every login is refused without checking the password; the right password afterwards clears the count. */
      lockedUntil: Instant,
    }),
  ),
  OtpIssued: event(
    'OtpIssued',
    /** Version 2: `purpose` may be STEP_UP; version 3: PHONE_NUMBER_CHANGE. */
    3,
    Type.Object({
      userId: Id,
      sessionId: Id,
      purpose: OtpPurpose,
      /** Keyed BLAKE2b of the session id and the code. */
      codeHash: Type.String(),
      /** `{code, to}` sealed to the notifier's public key (base64). */
      sealedDelivery: Type.String(),
      /** Masked phone number, for support screens. */
      destinationHint: Type.String(),
      issuedAt: Instant,
      expiresAt: Instant,
      maxAttempts: Type.Integer({ minimum: 1 }),
    }),
  ),
  OtpSendingSuppressed: event(
    'OtpSendingSuppressed',
    /** Version 3: `purpose` may be STEP_UP; version 4: PHONE_NUMBER_CHANGE. */
    4,
    Type.Object({
      userId: Id,
      sessionId: Id,
      purpose: OtpPurpose,
      /** The phone's SMS budget was spent: no code was made or sent, and the caller was answered as usual. */
      reason: Type.Literal('SMS_BUDGET'),
      /**
       * Since version 2: the session still behaves like one whose code was sent (resend cooldown from
       * `issuedAt`, closed at `expiresAt` or after `maxAttempts` wrong codes), so that an unsent code
       * cannot be told from a sent one. Absent in version 1.
       */
      issuedAt: Type.Optional(Instant),
      expiresAt: Type.Optional(Instant),
      maxAttempts: Type.Optional(Type.Integer({ minimum: 1 })),
    }),
  ),
  OtpVerificationFailed: event(
    'OtpVerificationFailed',
    1,
    Type.Object({
      userId: Id,
      sessionId: Id,
      failedAttempts: Type.Integer({ minimum: 1 }),
      attemptsLeft: Type.Integer({ minimum: 0 }),
    }),
  ),
  /** Version 2: `purpose` may be STEP_UP; version 3: PHONE_NUMBER_CHANGE. */
  OtpVerified: event('OtpVerified', 3, Type.Object({ userId: Id, sessionId: Id, purpose: OtpPurpose })),
  PhoneNumberVerified: event('PhoneNumberVerified', 1, Type.Object({ userId: Id })),
  UserLockedOut: event(
    'UserLockedOut',
    1,
    Type.Object({
      userId: Id,
      /** OTP_FAILURES: too many consecutive wrong codes across challenges; only a password reset unlocks. */
      reason: Type.Literal('OTP_FAILURES'),
      consecutiveOtpFailures: Type.Integer({ minimum: 1 }),
    }),
  ),
  PasswordResetStarted: event('PasswordResetStarted', 1, Type.Object({ userId: Id, sessionId: Id })),
  PasswordChangeStaged: event(
    'PasswordChangeStaged',
    1,
    Type.Object({
      userId: Id,
      sessionId: Id,
      passwordHash: Type.String(),
    }),
  ),
  PasswordChanged: event(
    'PasswordChanged',
    1,
    Type.Object({
      userId: Id,
      sessionId: Id,
      /** `{to, locale}` sealed to the notifier's key: the user is told by SMS that the password changed. */
      sealedNotice: Type.Optional(Type.String()),
    }),
  ),
} as const;
