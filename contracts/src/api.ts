/**
 * HTTP bodies of the public API. The gateway validates with these and
 * @fastify/swagger turns them into the OpenAPI document served at /docs.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

/** E.164: a plus, a non-zero digit, then 6 to 14 digits. */
export const E164_PATTERN = '^\\+[1-9][0-9]{6,14}$';

const Email = Type.String({ format: 'email', maxLength: 254, description: 'Case-insensitive.' });
const Username = Type.String({ minLength: 3, maxLength: 254, description: 'The email the user signed up with.' });
const PasswordInput = Type.String({ maxLength: 4096, description: '8 to 128 characters (Unicode code points), not one of the 100,000 most common breached passwords (case-insensitive).' });
const SessionId = Type.String({ minLength: 1, maxLength: 64 });
const ChallengeType = Type.Literal('SMS_OTP');

export const SignUpBody = Type.Object({
  phoneNumber: Type.String({ pattern: E164_PATTERN, description: 'E.164, such as +33612345678.' }),
  email: Email,
  password: PasswordInput,
  roles: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 32 }), { maxItems: 8, uniqueItems: true })),
  locale: Type.Optional(Type.String({ pattern: '^[a-z]{2}(-[A-Z]{2})?$', description: 'Language of the SMS sent to the user (BCP 47, such as fr or en-GB); by default chosen from the phone number.' })),
}, { additionalProperties: false });

export const LoginBody = Type.Object({ username: Username, password: PasswordInput }, { additionalProperties: false });

export const OtpBody = Type.Object({
  sessionId: SessionId,
  username: Username,
  challengeType: ChallengeType,
  code: Type.String({ pattern: '^[0-9]{4,10}$' }),
}, { additionalProperties: false });

export const ResendOtpBody = Type.Object({ sessionId: SessionId, username: Username }, { additionalProperties: false });

export const RefreshBody = Type.Object({
  username: Username,
  refreshToken: Type.String({ minLength: 16, maxLength: 256 }),
}, { additionalProperties: false });

export const ForgetPasswordQuery = Type.Object({ email: Email }, { additionalProperties: false });

export const ChangePasswordBody = Type.Object({
  sessionId: SessionId,
  username: Username,
  challengeType: ChallengeType,
  password: PasswordInput,
  passwordConfirm: PasswordInput,
}, { additionalProperties: false });

export const AccountSummary = Type.Object({
  accountId: Type.String(),
  kind: Type.Union([Type.Literal('MAIN'), Type.Literal('SUB')]),
  status: Type.Union([Type.Literal('PENDING_KYC'), Type.Literal('ACTIVE')]),
});

export const SignUpData = Type.Object({
  userId: Type.String(),
  email: Type.String(),
  phoneNumber: Type.String(),
  roles: Type.Array(Type.String()),
  accounts: Type.Array(AccountSummary),
  userAccountStatus: Type.Literal('PENDING_KYC'),
  phoneVerified: Type.Boolean(),
});

export const ChallengeData = Type.Object({
  sessionId: Type.String(),
  challengeType: ChallengeType,
  codeDeliveryDestination: Type.String({ description: 'Masked phone number, such as +33******78.' }),
  expiresIn: Type.Integer({ description: 'Seconds until the code expires.' }),
});

export const TokensData = Type.Object({
  userId: Type.String(),
  accessToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'Seconds until the access token expires.' }),
  refreshToken: Type.String(),
  refreshExpiresIn: Type.Integer({ description: 'Seconds until the session must log in again.' }),
});

export const PasswordChangedData = Type.Object({ userId: Type.String(), passwordChanged: Type.Literal(true) });

export const OtpData = Type.Union([TokensData, PasswordChangedData]);

export const PasswordStagedData = Type.Object({
  sessionId: Type.String(),
  challengeType: ChallengeType,
  passwordStaged: Type.Literal(true),
});

export const ErasureParams = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' }) });
export const ErasureData = Type.Object({
  userId: Type.String(),
  /** When the user's data key was destroyed; the same on every repeat of the call. */
  erasedAt: Type.String({ format: 'date-time' }),
  personalDataErased: Type.Literal(true),
});

const IdParam = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' });
const PortfolioAccountType = Type.Union([Type.Literal('TRADING'), Type.Literal('STANDARD')]);

export const OpenAccountBody = Type.Object({ userId: IdParam }, { additionalProperties: false });
export const AccountParams = Type.Object({ accountId: IdParam });
export const PortfolioParams = Type.Object({ portfolioId: IdParam });
export const ActivateAccountBody = Type.Object({
  /** Why the account is activated by hand; recorded in the user's stream. */
  note: Type.String({ minLength: 1, maxLength: 500 }),
}, { additionalProperties: false });
export const CreatePortfolioBody = Type.Object({
  accountId: IdParam,
  name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\u0000-\\u001f\\u007f]+$' }),
}, { additionalProperties: false });

export const PortfolioSummary = Type.Object({
  portfolioId: Type.String(),
  name: Type.String(),
  portfolioAccountType: PortfolioAccountType,
});
export const AccountData = Type.Object({
  accountId: Type.String(),
  userId: Type.String(),
  kind: Type.Union([Type.Literal('MAIN'), Type.Literal('SUB')]),
  status: Type.Union([Type.Literal('PENDING_KYC'), Type.Literal('ACTIVE')]),
  openedAt: Type.String({ format: 'date-time' }),
  activatedAt: Type.Optional(Type.String({ format: 'date-time' })),
  portfolios: Type.Array(PortfolioSummary),
});
export const PortfolioData = Type.Object({
  portfolioId: Type.String(),
  accountId: Type.String(),
  name: Type.String(),
  portfolioAccountType: PortfolioAccountType,
  publicAddress: Type.String(),
  creationTs: Type.String({ format: 'date-time' }),
});
export const KycStartData = Type.Object({
  identificationId: Type.String(),
  /** Where to send the user to be identified. */
  identificationUrl: Type.String(),
  /** Identifications started so far, this one included. */
  numberOfAttempts: Type.Integer(),
  attemptsLeft: Type.Integer(),
});
export const KycCallbackBody = Type.Object({
  identificationId: IdParam,
  status: Type.Union([Type.Literal('APPROVED'), Type.Literal('REJECTED')]),
  reason: Type.Optional(Type.String({ maxLength: 500 })),
});
export const KycCallbackData = Type.Object({
  identificationId: Type.String(),
  kycStatus: Type.Union([Type.Literal('APPROVED'), Type.Literal('REJECTED')]),
});

export const MeData = Type.Object({
  userId: Type.String(),
  email: Type.String(),
  phoneNumber: Type.String(),
  phoneVerified: Type.Boolean(),
  roles: Type.Array(Type.String()),
  userAccountStatus: Type.String(),
  kycStatus: Type.String(),
  accounts: Type.Array(AccountSummary),
  portfolios: Type.Array(Type.Intersect([PortfolioSummary, Type.Object({ accountId: Type.String(), publicAddress: Type.String() })])),
  createdAt: Type.String({ format: 'date-time' }),
});

/** The `/v1` envelope around `data`. */
export function Envelope<T extends TSchema>(data: T) {
  return Type.Object({
    success: Type.Boolean(),
    data: Type.Union([data, Type.Null()]),
    errorCode: Type.Integer(),
    errorMessage: Type.String(),
  });
}

export const ErrorEnvelope = Type.Object({
  success: Type.Literal(false),
  data: Type.Null(),
  errorCode: Type.Integer(),
  errorMessage: Type.String(),
}, { $id: 'ErrorEnvelope' });

export const OAuthTokenBody = Type.Object({
  grant_type: Type.String({ maxLength: 64 }),
  client_id: Type.Optional(Type.String({ maxLength: 128 })),
  client_secret: Type.Optional(Type.String({ maxLength: 256 })),
  scope: Type.Optional(Type.String({ maxLength: 512 })),
});

export const OAuthTokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
  scope: Type.String(),
});

/** RFC 6749 §5.2 error body. */
export const OAuthErrorResponse = Type.Object({
  error: Type.String(),
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
