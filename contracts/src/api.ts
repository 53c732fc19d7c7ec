/**
 * HTTP bodies of the public API. The gateway validates with these and
 * @fastify/swagger turns them into the OpenAPI document served at /docs, so
 * each schema states exactly what the server enforces: a request that fits
 * its schema is never answered 400 (docs/adr/0020-contracts-say-what-the-server-enforces.md).
 * Every string and array is bounded so that any schema-valid body fits under
 * the gateway's body limit, however it is encoded.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { example } from './apiExamples.ts';

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
} as const;

/** NIST 800-63B: length only, counted in code points of the NFC form (identity's passwordPolicy). */
export const passwordLength = { min: 8, max: 128 } as const;

const Email = Type.String({
  format: 'email',
  maxLength: 254,
  description: 'Compared case-insensitively.',
  examples: [example.email],
});
const Username = Type.String({
  minLength: 3,
  maxLength: 254,
  description: 'The email the user signed up with, in any letter case.',
  examples: [example.email],
});
const NewPassword = Type.String({
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
const CurrentPassword = Type.String({
  maxLength: 512,
  description: 'The password chosen at sign-up or at the last reset; any other is answered 401 INVALID_CREDENTIALS.',
  examples: [example.password],
});
const SessionId = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'The `sessionId` of the login or password-reset answer.',
  examples: [example.loginSessionId],
});
const ChallengeType = Type.Literal('SMS_OTP', { description: 'The only challenge so far: a code sent by SMS.' });
const IdParam = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' });
const Uuid = Type.String({ description: 'An id made by Tessera.' });
const Instant = Type.String({ format: 'date-time' });
const AccountKind = Type.Union([Type.Literal('MAIN'), Type.Literal('SUB')], {
  description: 'MAIN: made at sign-up; SUB: each further account.',
});
const AccountStatus = Type.Union([Type.Literal('PENDING_KYC'), Type.Literal('ACTIVE')], {
  description: "ACTIVE (validated) once the user's KYC is approved or an account manager activated it.",
});
const PortfolioAccountType = Type.Union([Type.Literal('TRADING'), Type.Literal('STANDARD')], {
  description:
    'The first portfolio of an account is its TRADING portfolio, where deposits land; later ones are STANDARD.',
});

export const SignUpBody = Type.Object(
  {
    phoneNumber: Type.String({
      // The format alone carries the rule (it includes the E.164 shape): a pattern beside it would let a
      // generator read pattern matches as valid numbers, which the format then refuses.
      maxLength: 16,
      format: apiFormats.phoneNumber,
      description:
        'E.164 (`+`, a country code and up to 15 digits in all; format `e164`): a mobile number (or, where the numbering plan cannot tell, a fixed-line-or-mobile one) valid for its country, since the user receives codes by SMS. Stored in its normalised E.164 form: `+330612345678` becomes `+33612345678`.',
      examples: [example.phoneNumber],
    }),
    email: Email,
    password: NewPassword,
    roles: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 32, examples: ['USER'] }), {
        maxItems: 8,
        uniqueItems: true,
        description:
          'Default `["USER"]`. A role outside the allow-list is refused with 403 ROLE_NOT_ALLOWED: an API client can never grant a privileged role.',
      }),
    ),
    locale: Type.Optional(
      Type.String({
        pattern: '^[a-z]{2}(-[A-Z]{2})?$',
        maxLength: 5,
        description:
          'Language of the SMS sent to the user (BCP 47, such as fr or en-GB); by default chosen from the phone number.',
        examples: ['en'],
      }),
    ),
  },
  {
    additionalProperties: false,
    examples: [{ phoneNumber: example.phoneNumber, email: example.email, password: example.password, locale: 'en' }],
  },
);

export const LoginBody = Type.Object(
  { username: Username, password: CurrentPassword },
  {
    additionalProperties: false,
    examples: [{ username: example.email, password: example.password }],
  },
);

export const OtpBody = Type.Object(
  {
    sessionId: SessionId,
    username: Username,
    challengeType: ChallengeType,
    code: Type.String({
      pattern: '^[0-9]{4,10}$',
      maxLength: 10,
      description: 'The digits of the SMS.',
      examples: [example.code],
    }),
  },
  {
    additionalProperties: false,
    examples: [
      { sessionId: example.loginSessionId, username: example.email, challengeType: 'SMS_OTP', code: example.code },
    ],
  },
);

export const ResendOtpBody = Type.Object(
  { sessionId: SessionId, username: Username },
  {
    additionalProperties: false,
    examples: [{ sessionId: example.loginSessionId, username: example.email }],
  },
);

export const RefreshBody = Type.Object(
  {
    username: Username,
    refreshToken: Type.String({
      minLength: 16,
      maxLength: 256,
      description: 'The latest refresh token of the login; each one works once.',
      examples: [example.refreshToken],
    }),
  },
  { additionalProperties: false, examples: [{ username: example.email, refreshToken: example.refreshToken }] },
);

export const ForgetPasswordQuery = Type.Object(
  { email: { ...Email, description: 'The email of the account; the answer is the same whether or not it exists.' } },
  { additionalProperties: false },
);

export const ChangePasswordBody = Type.Object(
  {
    sessionId: {
      ...SessionId,
      description: 'The `sessionId` of the forget-password answer.',
      examples: [example.resetSessionId],
    },
    username: Username,
    challengeType: ChallengeType,
    password: NewPassword,
    passwordConfirm: {
      ...NewPassword,
      description: 'The same password again; a different one is refused with 422 PASSWORD_MISMATCH.',
    },
  },
  {
    additionalProperties: false,
    examples: [
      {
        sessionId: example.resetSessionId,
        username: example.email,
        challengeType: 'SMS_OTP',
        password: example.newPassword,
        passwordConfirm: example.newPassword,
      },
    ],
  },
);

export const AccountSummary = Type.Object({
  accountId: Uuid,
  kind: AccountKind,
  status: AccountStatus,
});

export const SignUpData = Type.Object({
  userId: Uuid,
  email: Type.String({ description: 'Lower-cased and trimmed.' }),
  phoneNumber: Type.String({ description: 'Normalised E.164.' }),
  roles: Type.Array(Type.String()),
  accounts: Type.Array(AccountSummary, { description: 'The main account, waiting for KYC.' }),
  userAccountStatus: Type.Literal('PENDING_KYC'),
  phoneVerified: Type.Boolean({ description: 'False until the first SMS code is answered.' }),
});

export const ChallengeData = Type.Object({
  sessionId: Type.String({ description: 'Names this challenge in the next calls.' }),
  challengeType: ChallengeType,
  codeDeliveryDestination: Type.String({ description: 'Masked phone number, such as +33******78.' }),
  expiresIn: Type.Integer({ description: 'Seconds until the code expires.' }),
});

export const TokensData = Type.Object({
  userId: Uuid,
  accessToken: Type.String({ description: 'A user token (EdDSA JWT) for the user routes.' }),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'Seconds until the access token expires.' }),
  refreshToken: Type.String({ description: 'Works once: POST /v1/user/refresh answers a new one.' }),
  refreshExpiresIn: Type.Integer({ description: 'Seconds until the session must log in again.' }),
});

export const PasswordChangedData = Type.Object({ userId: Uuid, passwordChanged: Type.Literal(true) });

export const OtpData = Type.Union([TokensData, PasswordChangedData], {
  description: 'Tokens for a login session; `passwordChanged` for a password-reset session.',
});

export const PasswordStagedData = Type.Object({
  sessionId: Type.String(),
  challengeType: ChallengeType,
  passwordStaged: Type.Literal(true),
});

export const ErasureParams = Type.Object({
  userId: { ...IdParam, description: 'A user the calling client signed up.', examples: [example.userId] },
});
export const ErasureData = Type.Object({
  userId: Uuid,
  erasedAt: Type.String({
    format: 'date-time',
    description: "When the user's data key was destroyed; the same on every repeat of the call.",
  }),
  personalDataErased: Type.Literal(true),
});

export const OpenAccountBody = Type.Object(
  {
    userId: {
      ...IdParam,
      description: 'A user the calling client signed up (`userId` of the sign-up answer).',
      examples: [example.userId],
    },
  },
  {
    additionalProperties: false,
    examples: [{ userId: example.userId }],
  },
);
export const AccountParams = Type.Object({
  accountId: {
    ...IdParam,
    description: 'An account of a user the calling client signed up.',
    examples: [example.mainAccountId],
  },
});
export const PortfolioParams = Type.Object({
  portfolioId: {
    ...IdParam,
    description: 'A portfolio of a user the calling client signed up.',
    examples: [example.tradingPortfolioId],
  },
});
export const ActivateAccountBody = Type.Object(
  {
    note: Type.String({
      minLength: 1,
      maxLength: 500,
      description: "Why the account is activated by hand; recorded in the user's event stream.",
      examples: ['Identity checked by video call after the provider failed twice.'],
    }),
  },
  {
    additionalProperties: false,
    examples: [{ note: 'Identity checked by video call after the provider failed twice.' }],
  },
);
export const CreatePortfolioBody = Type.Object(
  {
    accountId: {
      ...IdParam,
      description: 'A validated (ACTIVE) account of a user the calling client signed up.',
      examples: [example.mainAccountId],
    },
    name: Type.String({
      minLength: 1,
      maxLength: 64,
      pattern: '^[^\\u0000-\\u001f\\u007f]+$',
      description: 'Unique per account, case-insensitively; no control characters.',
      examples: ['Main'],
    }),
  },
  { additionalProperties: false, examples: [{ accountId: example.mainAccountId, name: 'Main' }] },
);

export const PortfolioSummary = Type.Object({
  portfolioId: Uuid,
  name: Type.String(),
  portfolioAccountType: PortfolioAccountType,
});
export const AccountData = Type.Object({
  accountId: Uuid,
  userId: Uuid,
  kind: AccountKind,
  status: AccountStatus,
  openedAt: Instant,
  activatedAt: Type.Optional(Instant),
  portfolios: Type.Array(PortfolioSummary),
});
export const PortfolioData = Type.Object({
  portfolioId: Uuid,
  accountId: Uuid,
  name: Type.String(),
  portfolioAccountType: PortfolioAccountType,
  publicAddress: Type.String({
    description: 'The blockchain address deposits are sent to; its private key never reaches Tessera.',
  }),
  creationTs: Instant,
});
export const KycStartData = Type.Object({
  identificationId: Type.String({ description: "The provider's id of this identification; its verdict names it." }),
  identificationUrl: Type.String({ description: 'Where to send the user to be identified.' }),
  numberOfAttempts: Type.Integer({ description: 'Identifications started so far, this one included.' }),
  attemptsLeft: Type.Integer(),
});
export const KycCallbackBody = Type.Object(
  {
    identificationId: {
      ...IdParam,
      description: 'The `identificationId` of the KYC start answer.',
      examples: [example.identificationId],
    },
    status: Type.Union([Type.Literal('APPROVED'), Type.Literal('REJECTED')]),
    reason: Type.Optional(
      Type.String({
        maxLength: 500,
        description: "The provider's reason for a rejection, without document data.",
        examples: ['Document expired'],
      }),
    ),
  },
  { additionalProperties: false, examples: [{ identificationId: example.identificationId, status: 'APPROVED' }] },
);
export const KycCallbackData = Type.Object({
  identificationId: Type.String(),
  kycStatus: Type.Union([Type.Literal('APPROVED'), Type.Literal('REJECTED')]),
});

export const MeData = Type.Object({
  userId: Uuid,
  email: Type.String(),
  phoneNumber: Type.String({ description: 'E.164.' }),
  phoneVerified: Type.Boolean(),
  roles: Type.Array(Type.String()),
  userAccountStatus: Type.String({ description: 'PENDING_KYC, then ACTIVE.' }),
  kycStatus: Type.String({ description: 'NOT_STARTED, PENDING, APPROVED or REJECTED.' }),
  accounts: Type.Array(AccountSummary),
  portfolios: Type.Array(
    Type.Intersect([PortfolioSummary, Type.Object({ accountId: Uuid, publicAddress: Type.String() })]),
  ),
  createdAt: Instant,
});

/** What a successful `/v1` answer looks like: the envelope around `data`. */
export function Envelope<T extends TSchema>(data: T, options: { description: string; example: Static<T> }) {
  return Type.Object(
    {
      success: Type.Literal(true),
      data,
      errorCode: Type.Literal(0),
      errorMessage: Type.Literal(''),
    },
    {
      description: options.description,
      examples: [{ success: true, data: options.example, errorCode: 0, errorMessage: '' }],
    },
  );
}

export const ErrorEnvelope = Type.Object(
  {
    success: Type.Literal(false),
    data: Type.Null(),
    errorCode: Type.Integer({
      description: 'Stable, catalogued in docs/errors.md; always answered with the same HTTP status.',
    }),
    errorMessage: Type.String({
      description: 'For people: reveals no secret, and never whether an email, phone number or user exists.',
    }),
  },
  { $id: 'ErrorEnvelope', description: 'Every /v1 error.' },
);

/** Headers every POST and PUT of a client or user takes. */
export const WriteHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x21-\\x7e]+$',
      description:
        'Makes a retry safe: the same key with the same request within 24 h gets the first answer again (header `idempotent-replayed: true`) and writes nothing twice; the same key with another request is refused (422, 1006); a retry while the first is running gets 409 (1007) with `Retry-After: 1`. Use a random UUID: the kept answer is only as secret as the key.',
      examples: [example.idempotencyKey],
    }),
  ),
  'x-correlation-id': Type.Optional(
    Type.String({
      description:
        'Follows the request through commands, events, the SMS and the logs, and comes back on the answer. Kept when it is 8 to 64 of `A-Z a-z 0-9 . _ -`; anything else is replaced by a new id (never refused).',
      examples: [example.correlationId],
    }),
  ),
});

/** Headers every other operation takes. */
export const ReadHeaders = Type.Pick(WriteHeaders, ['x-correlation-id']);

export const OAuthTokenBody = Type.Object(
  {
    grant_type: Type.Literal('client_credentials', { description: 'The only grant: RFC 6749 §4.4.' }),
    client_id: Type.Optional(
      Type.String({
        maxLength: 128,
        description: 'With client_secret, when the client does not authenticate with HTTP Basic.',
        examples: [example.clientId],
      }),
    ),
    client_secret: Type.Optional(Type.String({ maxLength: 256, description: 'Shown once by client registration.' })),
    scope: Type.Optional(
      Type.String({
        maxLength: 128,
        description:
          'Space-separated; by default every scope the client holds. A scope it does not hold is refused with 400 invalid_scope (RFC 6749 §5.2).',
        examples: ['users:write users:read'],
      }),
    ),
  },
  {
    // RFC 6749 §3.2: unknown parameters are ignored; a few, bounded, so that any valid body fits under the body limit.
    additionalProperties: Type.String({ maxLength: 128 }),
    maxProperties: 8,
    propertyNames: { maxLength: 32 },
    description:
      'The client authenticates with HTTP Basic (`client_id:client_secret`, each form-urlencoded) or with the two form fields.',
    examples: [{ grant_type: 'client_credentials', scope: 'users:write users:read' }],
  },
);

export const OAuthTokenResponse = Type.Object(
  {
    access_token: Type.String({ description: 'A client token (EdDSA JWT), verified with GET /.well-known/jwks.json.' }),
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer({ description: 'Seconds until the token expires.' }),
    scope: Type.String({ description: 'The scopes granted, space-separated.' }),
  },
  {
    description: 'A client token (RFC 6749 §5.1).',
    examples: [
      {
        access_token: example.clientAccessToken,
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'users:write users:read',
      },
    ],
  },
);

/** RFC 6749 §5.2 error body. */
export const OAuthErrorResponse = Type.Object({
  error: Type.String({ description: 'invalid_request, invalid_client, invalid_scope or slow_down.' }),
  error_description: Type.String(),
});

export type SignUpBody = Static<typeof SignUpBody>;
export type LoginBody = Static<typeof LoginBody>;
export type OtpBody = Static<typeof OtpBody>;
export type ResendOtpBody = Static<typeof ResendOtpBody>;
export type RefreshBody = Static<typeof RefreshBody>;
export type ForgetPasswordQuery = Static<typeof ForgetPasswordQuery>;
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;
export type MeData = Static<typeof MeData>;
export type OAuthTokenBody = Static<typeof OAuthTokenBody>;
