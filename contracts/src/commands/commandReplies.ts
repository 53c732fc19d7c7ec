/** What identity answers to each command. */
import type { ErrorName } from '../errors.ts';
import type { StepUpActionName } from '../stepUp.ts';

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
    | { purpose: 'PASSWORD_RESET'; userId: string; passwordChanged: true }
    | StepUpVerified
    | { purpose: 'PHONE_NUMBER_CHANGE'; userId: string; phoneNumber: string };
  ResendOtp: ChallengeReply;
  RefreshSession: { userId: string; sessionId: string; familyId: string; roles: string[]; refreshExpiresAt: string };
  StartPasswordReset: ChallengeReply;
  StagePasswordChange: { sessionId: string; challengeType: 'SMS_OTP'; passwordStaged: true };
  RegisterApiClient: { clientId: string; created: boolean };
  RecordSmsOutcome: { recorded: boolean };
  Logout: { loggedOut: true };
  /** The login this revocation ended now, if it ended one (not for an unknown, another client's or an ended login). */
  RevokeRefreshToken: { revokedFamilyId?: string };
  /** The logins ended: the one named, or every other live one (none when there was none). */
  RevokeSession: { revokedSessionIds: string[] };
  RevokeOtherSessions: { revokedSessionIds: string[] };
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
  StartStepUp: ChallengeReply;
  ConsumeStepUp: { userId: string; stepUpId: string; tokenId: string; consumed: true };
  StartPhoneNumberChange: ChallengeReply;
  /** The codes in the form they are shown, in this sealed reply only: identity keeps their keyed hashes. */
  GenerateRecoveryCodes: { userId: string; recoveryCodes: string[]; generatedAt: string };
  /** WebAuthn PublicKeyCredentialCreationOptionsJSON, for `navigator.credentials.create()`. */
  StartPasskeyRegistration: { options: Record<string, unknown> };
  RegisterPasskey: { userId: string; credentialId: string; registeredAt: string };
  RemovePasskey: { userId: string; credentialId: string; removed: true };
  ListPasskeys: { passkeys: { credentialId: string; transports: string[]; registeredAt: string }[] };
}

/** A step-up's right code or passkey: what the gateway signs into the step-up token. No session starts. */
export interface StepUpVerified {
  purpose: 'STEP_UP';
  /** `sub` */
  userId: string;
  stepUpId: string;
  action: StepUpActionName;
  /** The `txn` claim: base64url SHA-256 of the canonical transaction. */
  transactionHash?: string;
  /** `client_id`: the client that asked, the only one that may consume the token. */
  clientId: string;
  /** The login the step-up was asked from. */
  familyId: string;
  /** `jti` */
  tokenId: string;
  /** `auth_time` */
  authTime: string;
  /** `exp` */
  expiresAt: string;
  /**
   * What answered: the SMS code, or a passkey (the token's `amr` says which). Absent from an identity that predates
   * passkeys: the SMS code.
   */
  challengeType?: 'SMS_OTP' | 'PASSKEY';
}

export interface ChallengeReply {
  sessionId: string;
  challengeType: 'SMS_OTP';
  codeDeliveryDestination: string;
  expiresIn: number;
  /**
   * A login's or a step-up's, when the user has passkeys for this client: WebAuthn request options whose assertion
   * answers it (a step-up's challenge binds its transaction).
   */
  passkeyOptions?: Record<string, unknown>;
}
