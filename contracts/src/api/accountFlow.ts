/** Bodies and answers of the account flow: sign-up, login, SMS codes, refresh, password reset. */
import { Type, type Static } from '@sinclair/typebox';
import { example } from '../apiExamples.ts';
import { Device } from '../devices.ts';
import { AccountSummary } from './accounts.ts';
import { passkeyAnswer } from './passkeys.ts';
import { PasskeyRequestOptions } from './passkeyRequestOptions.ts';
import { PhoneNumberChangedData } from './phoneNumber.ts';
import { RecoveryCode } from './recoveryCodes.ts';
import { StepUpTokenData } from './stepUp.ts';
import { apiFormats, ChallengeType, CurrentPassword, Email, NewPassword, SessionId, Username, Uuid } from './fields.ts';

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
  {
    username: Username,
    password: CurrentPassword,
    device: Type.Optional(
      Type.Composite([Device], {
        additionalProperties: false,
        description:
          'The device the app runs on: the session remembers it and lists it in GET /v1/user/sessions. A session on a device the user never signed in from before is told to the user by SMS.',
      }),
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        username: example.email,
        password: example.password,
        device: { id: example.deviceId, name: "Ada's iPhone", platform: 'IOS' },
      },
    ],
  },
);

const smsOtpAnswer = {
  challengeType: Type.Literal('SMS_OTP', { description: 'The code of the SMS.' }),
  code: Type.String({
    pattern: '^[0-9]{4,10}$',
    maxLength: 10,
    description: 'The digits of the SMS.',
    examples: [example.code],
  }),
};

const recoveryCodeAnswer = {
  challengeType: Type.Literal('RECOVERY_CODE', {
    description: 'One of the recovery codes instead of the SMS code: on a login or password-reset session only.',
  }),
  code: RecoveryCode,
};

/** One body shape per way of answering, so the schema states exactly which codes are taken (ADR 20). */
export const OtpBody = Type.Union(
  [
    Type.Object(
      { sessionId: SessionId, username: Username, ...smsOtpAnswer },
      { additionalProperties: false, title: 'OtpSmsCode' },
    ),
    Type.Object(
      { sessionId: SessionId, username: Username, ...recoveryCodeAnswer },
      { additionalProperties: false, title: 'OtpRecoveryCode' },
    ),
    Type.Object(passkeyAnswer, { additionalProperties: false, title: 'OtpPasskey' }),
  ],
  {
    examples: [
      { sessionId: example.loginSessionId, username: example.email, challengeType: 'SMS_OTP', code: example.code },
      {
        sessionId: example.loginSessionId,
        username: example.email,
        challengeType: 'RECOVERY_CODE',
        code: example.recoveryCode,
      },
      {
        sessionId: example.loginSessionId,
        username: example.email,
        challengeType: 'PASSKEY',
        passkeyResponse: {
          id: example.passkeyCredentialId,
          rawId: example.passkeyCredentialId,
          type: 'public-key',
          response: example.passkeyAssertion,
          clientExtensionResults: {},
        },
      },
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

/** A login's challenge: the SMS code, or a passkey when the user has one for this app. */
export const LoginChallengeData = Type.Object({
  ...ChallengeData.properties,
  passkeyOptions: Type.Optional(PasskeyRequestOptions),
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

export const OtpData = Type.Union([TokensData, PasswordChangedData, StepUpTokenData, PhoneNumberChangedData], {
  description:
    'Tokens for a login session; `passwordChanged` for a password-reset session; a `stepUpToken` for a step-up session; `phoneNumberChanged` for a phone number change.',
});

export const PasswordStagedData = Type.Object({
  sessionId: Type.String(),
  challengeType: ChallengeType,
  passwordStaged: Type.Literal(true),
});

export type SignUpBody = Static<typeof SignUpBody>;
export type LoginBody = Static<typeof LoginBody>;
export type OtpBody = Static<typeof OtpBody>;
export type ResendOtpBody = Static<typeof ResendOtpBody>;
export type RefreshBody = Static<typeof RefreshBody>;
export type ForgetPasswordQuery = Static<typeof ForgetPasswordQuery>;
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;
