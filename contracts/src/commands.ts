/**
 * Commands the gateway sends to identity (in-process, or over
 * `identity.commands.v1` keyed by user). No secret travels in clear, so a
 * command topic holds nothing worth stealing: passwords and codes are sealed to
 * identity's command key (`sealedSecrets`, see the crypto package's channel); refresh tokens and client secrets are
 * 256-bit random values that the gateway makes and hashes itself, so only their
 * hashes cross the bus and the plaintext goes nowhere but back to the caller.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { ErrorName } from './errors.ts';

const ChallengeType = Type.Union([Type.Literal('SMS_OTP')]);

const CommandMetadata = Type.Object({
  correlationId: Type.String(),
  clientId: Type.String(),
});

function command<N extends string, P extends ReturnType<typeof Type.Object>>(type: N, payload: P) {
  return Type.Object({ type: Type.Literal(type), metadata: CommandMetadata, payload });
}

/** Sealed JSON `{password}` */
export const RegisterUser = command(
  'RegisterUser',
  Type.Object({
    email: Type.String(),
    phoneNumber: Type.String(),
    roles: Type.Array(Type.String()),
    locale: Type.Optional(Type.String()),
    sealedSecrets: Type.String(),
  }),
);
/** Sealed JSON `{password}` */
export const StartLogin = command('StartLogin', Type.Object({ email: Type.String(), sealedSecrets: Type.String() }));
/** Sealed JSON `{code}`; the refresh token hash is used only if a LOGIN session succeeds. */
export const VerifyOtp = command(
  'VerifyOtp',
  Type.Object({
    email: Type.String(),
    sessionId: Type.String(),
    challengeType: ChallengeType,
    sealedSecrets: Type.String(),
    newRefreshTokenHash: Type.String(),
  }),
);
export const ResendOtp = command('ResendOtp', Type.Object({ email: Type.String(), sessionId: Type.String() }));
export const RefreshSession = command(
  'RefreshSession',
  Type.Object({
    email: Type.String(),
    presentedTokenHash: Type.String(),
    newRefreshTokenHash: Type.String(),
  }),
);
/** Ends one login: its refresh tokens stop working and its access tokens are refused. */
export const Logout = command('Logout', Type.Object({ userId: Type.String(), familyId: Type.String() }));
/**
 * Erasure (right to be forgotten), by an account manager: the user's data key
 * is destroyed, `PersonalDataErased` recorded, sessions revoked, email and
 * phone freed, read models scrubbed. Repeating it answers the same.
 */
export const ErasePersonalData = command('ErasePersonalData', Type.Object({ userId: Type.String() }));
/** Another account (SUB) for a user of the calling client. */
export const OpenAccount = command('OpenAccount', Type.Object({ userId: Type.String() }));
/** Identity asks the KYC provider for an identification, within the attempts allowed. */
export const StartKyc = command('StartKyc', Type.Object({ userId: Type.String() }));
/** The provider's verdict, from a verified callback. */
export const RecordKycVerdict = command(
  'RecordKycVerdict',
  Type.Object({
    userId: Type.String(),
    identificationId: Type.String(),
    status: Type.Union([Type.Literal('APPROVED'), Type.Literal('REJECTED')]),
    reason: Type.Optional(Type.String()),
  }),
);
/** Manual activation by an account manager, with the reason. */
export const ActivateAccount = command(
  'ActivateAccount',
  Type.Object({ userId: Type.String(), accountId: Type.String(), note: Type.String() }),
);
/** A portfolio on a validated account; identity gets its public address from the wallet port. */
export const CreatePortfolio = command(
  'CreatePortfolio',
  Type.Object({ userId: Type.String(), accountId: Type.String(), name: Type.String() }),
);
export const StartPasswordReset = command('StartPasswordReset', Type.Object({ email: Type.String() }));
/** Sealed JSON `{password}` */
export const StagePasswordChange = command(
  'StagePasswordChange',
  Type.Object({
    email: Type.String(),
    sessionId: Type.String(),
    challengeType: ChallengeType,
    sealedSecrets: Type.String(),
  }),
);
/** `clientId` in the payload is the client being registered (or whose secret is replaced). */
export const RegisterApiClient = command(
  'RegisterApiClient',
  Type.Object({
    clientId: Type.String(),
    name: Type.String(),
    scopes: Type.Array(Type.String()),
    secretHash: Type.String(),
  }),
);

/** The notifier's record of what became of an SMS, kept in the user's stream for auditors. */
export const RecordSmsOutcome = command(
  'RecordSmsOutcome',
  Type.Object({
    userId: Type.String(),
    outcome: Type.Union([
      Type.Object({
        type: Type.Literal('SmsDispatched'),
        sourceEventId: Type.String(),
        purpose: Type.Union([Type.Literal('OTP'), Type.Literal('PASSWORD_CHANGED')]),
        provider: Type.String(),
        providerMessageId: Type.String(),
      }),
      Type.Object({
        type: Type.Literal('SmsDispatchFailed'),
        sourceEventId: Type.String(),
        purpose: Type.Union([Type.Literal('OTP'), Type.Literal('PASSWORD_CHANGED')]),
        reason: Type.Union([Type.Literal('PERMANENT'), Type.Literal('EXHAUSTED'), Type.Literal('EXPIRED')]),
        provider: Type.Optional(Type.String()),
        httpStatus: Type.Optional(Type.Integer()),
      }),
      Type.Object({
        type: Type.Literal('SmsDeliveryReported'),
        sourceEventId: Type.String(),
        providerMessageId: Type.String(),
        status: Type.String(),
        errorCode: Type.Optional(Type.String()),
      }),
    ]),
  }),
);

export type RegisterUser = Static<typeof RegisterUser>;
export type RecordSmsOutcome = Static<typeof RecordSmsOutcome>;
export type Logout = Static<typeof Logout>;
export type ErasePersonalData = Static<typeof ErasePersonalData>;
export type OpenAccount = Static<typeof OpenAccount>;
export type StartKyc = Static<typeof StartKyc>;
export type RecordKycVerdict = Static<typeof RecordKycVerdict>;
export type ActivateAccount = Static<typeof ActivateAccount>;
export type CreatePortfolio = Static<typeof CreatePortfolio>;
export type StartLogin = Static<typeof StartLogin>;
export type VerifyOtp = Static<typeof VerifyOtp>;
export type ResendOtp = Static<typeof ResendOtp>;
export type RefreshSession = Static<typeof RefreshSession>;
export type StartPasswordReset = Static<typeof StartPasswordReset>;
export type StagePasswordChange = Static<typeof StagePasswordChange>;
export type RegisterApiClient = Static<typeof RegisterApiClient>;

export const IdentityCommand = Type.Union([
  RegisterUser,
  StartLogin,
  VerifyOtp,
  ResendOtp,
  RefreshSession,
  StartPasswordReset,
  StagePasswordChange,
  RegisterApiClient,
  RecordSmsOutcome,
  Logout,
  ErasePersonalData,
  OpenAccount,
  StartKyc,
  RecordKycVerdict,
  ActivateAccount,
  CreatePortfolio,
]);
export type IdentityCommand = Static<typeof IdentityCommand>;
export type IdentityCommandType = IdentityCommand['type'];

/**
 * A command as it travels on `identity.commands.v1`: type and metadata in
 * clear for routing and logs, the payload sealed to identity's key together
 * with a fresh reply key; identity answers `{ sealedReply }` encrypted under
 * that key. Emails and phone numbers in payloads and replies are therefore
 * unreadable on the topic. Only `RecordSmsOutcome`, which holds no personal
 * data, may also travel as a plain command.
 */
export const SealedIdentityCommand = Type.Object({
  type: Type.String(),
  metadata: CommandMetadata,
  sealed: Type.String(),
});
export type SealedIdentityCommand = Static<typeof SealedIdentityCommand>;
export interface SealedCommandReply {
  sealedReply: string;
}

/** What identity answers to every command. */
export type CommandResult<D = unknown> =
  | { ok: true; data: D; /** Global position of the last event written, if any. */ position?: number }
  | { ok: false; error: ErrorName; retryAfterSeconds?: number };

/** Data identity answers per command type. */
export interface CommandReplies {
  RegisterUser: { userId: string; email: string; phoneNumber: string; accountId: string; roles: string[] };
  StartLogin: ChallengeReply;
  VerifyOtp:
    | {
        purpose: 'LOGIN';
        userId: string;
        sessionId: string;
        familyId: string;
        roles: string[];
        refreshExpiresAt: string;
      }
    | { purpose: 'PASSWORD_RESET'; userId: string; passwordChanged: true };
  ResendOtp: ChallengeReply;
  RefreshSession: { userId: string; sessionId: string; familyId: string; roles: string[]; refreshExpiresAt: string };
  StartPasswordReset: ChallengeReply;
  StagePasswordChange: { sessionId: string; challengeType: 'SMS_OTP'; passwordStaged: true };
  RegisterApiClient: { clientId: string; created: boolean };
  RecordSmsOutcome: { recorded: boolean };
  Logout: { loggedOut: true };
  ErasePersonalData: { userId: string; erasedAt: string };
  OpenAccount: { userId: string; accountId: string; kind: 'SUB'; status: 'PENDING_KYC' | 'ACTIVE' };
  StartKyc: { identificationId: string; identificationUrl: string; numberOfAttempts: number; attemptsLeft: number };
  RecordKycVerdict: {
    userId: string;
    identificationId: string;
    kycStatus: 'APPROVED' | 'REJECTED';
    activatedAccountIds: string[];
  };
  ActivateAccount: { userId: string; accountId: string; status: 'ACTIVE' };
  CreatePortfolio: {
    userId: string;
    accountId: string;
    portfolioId: string;
    name: string;
    portfolioAccountType: 'TRADING' | 'STANDARD';
    publicAddress: string;
    creationTs: string;
  };
}

export interface ChallengeReply {
  sessionId: string;
  challengeType: 'SMS_OTP';
  codeDeliveryDestination: string;
  expiresIn: number;
}
