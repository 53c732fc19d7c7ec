/**
 * Identity events: past-tense facts on one stream per user (`user-<userId>`),
 * per reserved email/phone, and per API client. The `type` string equals the
 * schema's name; `schemaVersion` changes when a payload changes shape.
 * No plaintext password, OTP code, token or client secret ever appears here.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Instant = Type.String({ format: 'date-time' });
const OtpPurpose = Type.Union([Type.Literal('LOGIN'), Type.Literal('PASSWORD_RESET')]);
const SmsPurpose = Type.Union([Type.Literal('OTP'), Type.Literal('PASSWORD_CHANGED')]);

export const EventMetadata = Type.Object({
  correlationId: Type.String(),
  causationId: Type.Optional(Type.String()),
  clientId: Type.Optional(Type.String()),
  occurredAt: Instant,
});
export type EventMetadata = Static<typeof EventMetadata>;

function event<N extends string, D extends TSchema>(type: N, schemaVersion: number, data: D) {
  return { type, schemaVersion, data } as const;
}

export const identityEvents = {
  UserRegistered: event(
    'UserRegistered',
    1,
    Type.Object({
      userId: Id,
      /** Lower-cased, trimmed. */
      email: Type.String(),
      /** E.164. */
      phoneNumber: Type.String(),
      /** argon2id string (never the password). */
      passwordHash: Type.String(),
      roles: Type.Array(Type.String()),
      clientId: Id,
      /** BCP 47 language of the user's messages (`fr`, `en-GB`); absent: chosen from the phone's country. */
      locale: Type.Optional(Type.String()),
    }),
  ),
  AccountOpened: event(
    'AccountOpened',
    1,
    Type.Object({
      userId: Id,
      accountId: Id,
      kind: Type.Union([Type.Literal('MAIN'), Type.Literal('SUB')]),
    }),
  ),
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
    1,
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
    2,
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
  OtpVerified: event('OtpVerified', 1, Type.Object({ userId: Id, sessionId: Id, purpose: OtpPurpose })),
  PhoneNumberVerified: event('PhoneNumberVerified', 1, Type.Object({ userId: Id })),
  SessionStarted: event(
    'SessionStarted',
    2,
    Type.Object({
      userId: Id,
      sessionId: Id,
      /** The refresh-token family: every rotation of one login. */
      familyId: Id,
      refreshTokenHash: Type.String(),
      expiresAt: Instant,
      /** Since version 2: the API client the login was made through; only it may refresh the session (RFC 6749 §6). */
      clientId: Type.Optional(Id),
    }),
  ),
  RefreshTokenRotated: event(
    'RefreshTokenRotated',
    1,
    Type.Object({
      userId: Id,
      familyId: Id,
      previousTokenHash: Type.String(),
      refreshTokenHash: Type.String(),
    }),
  ),
  RefreshTokenReuseDetected: event(
    'RefreshTokenReuseDetected',
    1,
    Type.Object({
      userId: Id,
      familyId: Id,
    }),
  ),
  SessionsRevoked: event(
    'SessionsRevoked',
    1,
    Type.Object({
      userId: Id,
      familyIds: Type.Array(Id),
      reason: Type.Union([
        Type.Literal('REFRESH_TOKEN_REUSE'),
        Type.Literal('PASSWORD_CHANGED'),
        Type.Literal('LOGOUT'),
        Type.Literal('PERSONAL_DATA_ERASED'),
      ]),
    }),
  ),
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
  PersonalDataErased: event(
    'PersonalDataErased',
    1,
    Type.Object({
      userId: Id,
      /** The user's data key was destroyed: the personal-data fields of this user's earlier events no longer open anywhere. */
      erasedAt: Instant,
    }),
  ),
  KycStarted: event(
    'KycStarted',
    1,
    Type.Object({
      userId: Id,
      /** The provider's id of this identification; its verdict names it. */
      identificationId: Id,
      /** 1 for the first identification of the user, and so on; attempts are limited. */
      attempt: Type.Integer({ minimum: 1 }),
      provider: Type.String(),
    }),
  ),
  KycApproved: event('KycApproved', 1, Type.Object({ userId: Id, identificationId: Id })),
  KycRejected: event(
    'KycRejected',
    1,
    Type.Object({
      userId: Id,
      identificationId: Id,
      /** The provider's reason, as given (no document data). */
      reason: Type.Optional(Type.String({ maxLength: 500 })),
    }),
  ),
  AccountActivated: event(
    'AccountActivated',
    1,
    Type.Object({
      userId: Id,
      accountId: Id,
      /** KYC_APPROVED: the user's KYC verdict; MANUAL: an account manager, with a note. */
      reason: Type.Union([Type.Literal('KYC_APPROVED'), Type.Literal('MANUAL')]),
      /** The account manager's reason for a manual activation. */
      note: Type.Optional(Type.String({ maxLength: 500 })),
      /** The API client that activated it by hand. */
      activatedBy: Type.Optional(Id),
    }),
  ),
  PortfolioCreated: event(
    'PortfolioCreated',
    1,
    Type.Object({
      userId: Id,
      accountId: Id,
      portfolioId: Id,
      name: Type.String({ minLength: 1, maxLength: 64 }),
      /** The first portfolio of an account is its TRADING portfolio; later ones are STANDARD. */
      portfolioAccountType: Type.Union([Type.Literal('TRADING'), Type.Literal('STANDARD')]),
      /** Issued by the wallet port; its private key never reaches Tessera's log. */
      publicAddress: Type.String({ minLength: 1, maxLength: 128 }),
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
  SmsDispatched: event(
    'SmsDispatched',
    1,
    Type.Object({
      userId: Id,
      /** The event the SMS was about (`OtpIssued`, `PasswordChanged`). */
      sourceEventId: Id,
      purpose: SmsPurpose,
      provider: Type.String(),
      providerMessageId: Type.String(),
    }),
  ),
  SmsDispatchFailed: event(
    'SmsDispatchFailed',
    1,
    Type.Object({
      userId: Id,
      sourceEventId: Id,
      purpose: SmsPurpose,
      /** PERMANENT: the provider refused (e.g. invalid number); EXHAUSTED: every retry and provider failed; EXPIRED: too late to send. */
      reason: Type.Union([Type.Literal('PERMANENT'), Type.Literal('EXHAUSTED'), Type.Literal('EXPIRED')]),
      provider: Type.Optional(Type.String()),
      httpStatus: Type.Optional(Type.Integer()),
    }),
  ),
  SmsDeliveryReported: event(
    'SmsDeliveryReported',
    1,
    Type.Object({
      userId: Id,
      sourceEventId: Id,
      providerMessageId: Type.String(),
      /** queued | sent | delivered | undelivered | failed, as the provider reports it. */
      status: Type.String(),
      errorCode: Type.Optional(Type.String()),
    }),
  ),
  EmailReserved: event('EmailReserved', 1, Type.Object({ userId: Id })),
  EmailReservationReleased: event('EmailReservationReleased', 1, Type.Object({ userId: Id })),
  PhoneNumberReserved: event('PhoneNumberReserved', 1, Type.Object({ userId: Id })),
  PhoneNumberReservationReleased: event('PhoneNumberReservationReleased', 1, Type.Object({ userId: Id })),
  ApiClientRegistered: event(
    'ApiClientRegistered',
    1,
    Type.Object({
      clientId: Id,
      name: Type.String(),
      scopes: Type.Array(Type.String()),
      /** Keyed BLAKE2b of the 256-bit secret: secrets are random, so a fast hash is enough. */
      secretHash: Type.String(),
    }),
  ),
  ApiClientSecretRotated: event(
    'ApiClientSecretRotated',
    1,
    Type.Object({
      clientId: Id,
      secretHash: Type.String(),
    }),
  ),
} as const;

type Catalogue = typeof identityEvents;

/** Prefix of an encrypted personal-data field: `pd1.` then base64url(nonce ‖ ciphertext ‖ tag). */
export const PERSONAL_DATA_PREFIX = 'pd1.';

/**
 * Fields holding personal data. In the store, on topics and in exports they
 * are encrypted with the user's own key (XChaCha20-Poly1305, associated data
 * `<userId>|<field>`), kept outside the log; erasing the key
 * (`PersonalDataErased`) leaves the log whole and these fields unreadable.
 */
export const personalDataFields = {
  UserRegistered: ['email', 'phoneNumber', 'passwordHash'],
  PasswordChangeStaged: ['passwordHash'],
  OtpIssued: ['sealedDelivery', 'destinationHint'],
  PasswordChanged: ['sealedNotice'],
} as const satisfies Partial<Record<keyof typeof identityEvents, readonly string[]>>;

export function personalDataFieldsOf(type: string): readonly string[] {
  return (personalDataFields as Record<string, readonly string[] | undefined>)[type] ?? [];
}
export type IdentityEventType = keyof Catalogue;

/** One identity event as deciders produce and evolve it. */
export type IdentityEvent = {
  [K in IdentityEventType]: { type: K; data: Static<Catalogue[K]['data']> };
}[IdentityEventType];

export type EventOf<K extends IdentityEventType> = Extract<IdentityEvent, { type: K }>;
export type EventData<K extends IdentityEventType> = EventOf<K>['data'];

export function schemaVersionOf(type: IdentityEventType): number {
  return identityEvents[type].schemaVersion;
}

export function isIdentityEventType(type: string): type is IdentityEventType {
  return Object.hasOwn(identityEvents, type);
}

export const streams = {
  user: (userId: string) => `user-${userId}`,
  email: (keyedHash: string) => `email-${keyedHash}`,
  phone: (keyedHash: string) => `phone-${keyedHash}`,
  client: (clientId: string) => `client-${clientId}`,
} as const;

/** Kafka-style topic names shared by every adapter. */
export const topics = {
  identityEvents: 'identity.events.v1',
  identityCommands: 'identity.commands.v1',
  /** SMS the notifier gave up on, with the reason (never the code). */
  smsDeadLetter: 'notifier.dead-letter.v1',
  /** Providers' delivery reports, verified by the gateway, for the notifier. */
  smsDeliveryReports: 'notifier.delivery-reports.v1',
} as const;

/** Consumer groups other services name: a gateway is ready only while identity's has a live member. */
export const consumerGroups = {
  /** The identity instances, serving `identity.commands.v1`. */
  identityCommands: 'identity',
} as const;
