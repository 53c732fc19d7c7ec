/**
 * A user's state as its stream's events build it. Pure: no I/O, no clock.
 */
import type { IdentityEvent } from '@tessera/contracts';
import type { LoginFailures } from './loginLock.ts';

export interface OtpChallenge {
  purpose: 'LOGIN' | 'PASSWORD_RESET';
  /** Empty when the SMS budget held the code back: no code matches, yet the session closes like any other. */
  codeHash: string;
  issuedAt: string;
  expiresAt: string;
  maxAttempts: number;
  /** Wrong codes so far on this session; a resend keeps the count. */
  failedAttempts: number;
  used: boolean;
  stagedPasswordHash?: string;
}

export interface RefreshTokenFamily {
  sessionId: string;
  currentTokenHash: string;
  /** Hashes already rotated away: presenting one again is reuse. */
  rotatedTokenHashes: string[];
  expiresAt: string;
  revoked: boolean;
  /** The API client the login was made through (absent for sessions older than the binding); only it may refresh. */
  clientId?: string;
}

export interface AccountState {
  kind: 'MAIN' | 'SUB';
  status: 'PENDING_KYC' | 'ACTIVE';
  /** Portfolios on the account, in creation order, by lower-cased name. */
  portfolioNames: string[];
}

export interface KycState {
  /** APPROVED once any identification was approved; it is never taken back. */
  status: 'NOT_STARTED' | 'PENDING' | 'APPROVED' | 'REJECTED';
  /** Identifications started so far. */
  attempts: number;
  /** Verdict of each identification, by the provider's id. */
  identifications: Record<string, 'PENDING' | 'APPROVED' | 'REJECTED'>;
}

export interface UserState {
  registered: boolean;
  /** Personal data erased: the user is gone for every purpose but the audit trail. */
  erased: boolean;
  erasedAt?: string;
  userId: string;
  /** The API client that signed the user up: the user exists for that client only (ADR 18). */
  clientId: string;
  email: string;
  phoneNumber: string;
  passwordHash: string;
  roles: string[];
  phoneVerified: boolean;
  /** Language of the user's SMS, if chosen at sign-up. */
  locale?: string;
  /** `<type>:<sourceEventId>` of SMS outcomes already recorded, so a repeat records nothing. */
  smsOutcomes: string[];
  /** Wrong passwords in a row; the right password (a new login session) or a committed password change clears it. */
  consecutiveLoginFailures: number;
  /** Login refuses every password until then (growing delays, see loginLock.ts). */
  loginLockedUntil?: string;
  /** Wrong codes in a row on this account, across challenges; a right code or a password change clears it. */
  consecutiveOtpFailures: number;
  /** Locked by too many wrong codes: login stops at the password until a password reset. */
  lockedOut: boolean;
  /** When the latest codes were issued to this user's phone (newest last; enough for the daily budget). */
  otpIssuedAt: string[];
  challenges: Record<string, OtpChallenge>;
  /** The user's accounts: MAIN from sign-up, SUB on request; ACTIVE once validated. */
  accounts: Record<string, AccountState>;
  kyc: KycState;
  families: Record<string, RefreshTokenFamily>;
}

/** More than any daily SMS budget a deployment would set. */
const MAX_REMEMBERED_SENDS = 100;

export function initialUserState(): UserState {
  return {
    registered: false,
    erased: false,
    userId: '',
    clientId: '',
    email: '',
    phoneNumber: '',
    passwordHash: '',
    roles: [],
    phoneVerified: false,
    smsOutcomes: [],
    consecutiveLoginFailures: 0,
    consecutiveOtpFailures: 0,
    lockedOut: false,
    otpIssuedAt: [],
    challenges: {},
    accounts: {},
    kyc: { status: 'NOT_STARTED', attempts: 0, identifications: {} },
    families: {},
  };
}

export function evolveUser(state: UserState, event: IdentityEvent): UserState {
  switch (event.type) {
    case 'UserRegistered': {
      const { userId, clientId, email, phoneNumber, passwordHash, roles, locale } = event.data;
      return {
        ...state,
        registered: true,
        userId,
        clientId,
        email,
        phoneNumber,
        passwordHash,
        roles,
        ...(locale ? { locale } : {}),
      };
    }
    case 'PersonalDataErased':
      // Nothing personal is kept, and no command finds a user here any more.
      return { ...initialUserState(), userId: state.userId, erased: true, erasedAt: event.data.erasedAt };
    case 'LoginFailed':
      return { ...state, consecutiveLoginFailures: event.data.consecutiveFailures };
    case 'LoginTemporarilyLocked':
      return { ...state, loginLockedUntil: event.data.lockedUntil };
    case 'OtpIssued': {
      const { sessionId, purpose, codeHash, issuedAt, expiresAt, maxAttempts } = event.data;
      // Only a new login session follows the right password; a resend or a reset code proves none, so they keep the count.
      const base = opensLogin(state, event.data) ? withoutLoginFailures(state) : state;
      return {
        ...withChallenge(base, sessionId, { purpose, codeHash, issuedAt, expiresAt, maxAttempts }),
        otpIssuedAt: [...state.otpIssuedAt, issuedAt].slice(-MAX_REMEMBERED_SENDS),
      };
    }
    case 'OtpSendingSuppressed': {
      const base = opensLogin(state, event.data) ? withoutLoginFailures(state) : state;
      // Version 1 opened no challenge: its session answered "wrong code" for ever.
      const { sessionId, purpose, issuedAt, expiresAt, maxAttempts } = event.data;
      if (issuedAt === undefined || expiresAt === undefined || maxAttempts === undefined) return base;
      return withChallenge(base, sessionId, { purpose, codeHash: '', issuedAt, expiresAt, maxAttempts });
    }
    case 'OtpVerificationFailed':
      return {
        ...updateChallenge(state, event.data.sessionId, { failedAttempts: event.data.failedAttempts }),
        consecutiveOtpFailures: state.consecutiveOtpFailures + 1,
      };
    case 'OtpVerified':
      return { ...updateChallenge(state, event.data.sessionId, { used: true }), consecutiveOtpFailures: 0 };
    case 'UserLockedOut':
      return { ...state, lockedOut: true };
    case 'AccountOpened':
      return {
        ...state,
        accounts: {
          ...state.accounts,
          [event.data.accountId]: { kind: event.data.kind, status: 'PENDING_KYC', portfolioNames: [] },
        },
      };
    case 'AccountActivated': {
      const account = accountOf(state, event.data.accountId);
      return account
        ? { ...state, accounts: { ...state.accounts, [event.data.accountId]: { ...account, status: 'ACTIVE' } } }
        : state;
    }
    case 'PortfolioCreated': {
      const account = accountOf(state, event.data.accountId);
      if (!account) return state;
      const updated = { ...account, portfolioNames: [...account.portfolioNames, event.data.name.toLowerCase()] };
      return { ...state, accounts: { ...state.accounts, [event.data.accountId]: updated } };
    }
    case 'KycStarted':
      return {
        ...state,
        kyc: {
          status: state.kyc.status === 'APPROVED' ? 'APPROVED' : 'PENDING',
          attempts: event.data.attempt,
          identifications: { ...state.kyc.identifications, [event.data.identificationId]: 'PENDING' },
        },
      };
    case 'KycApproved':
      return {
        ...state,
        kyc: {
          ...state.kyc,
          status: 'APPROVED',
          identifications: { ...state.kyc.identifications, [event.data.identificationId]: 'APPROVED' },
        },
      };
    case 'KycRejected':
      return {
        ...state,
        kyc: {
          ...state.kyc,
          status: state.kyc.status === 'APPROVED' ? 'APPROVED' : 'REJECTED',
          identifications: { ...state.kyc.identifications, [event.data.identificationId]: 'REJECTED' },
        },
      };
    case 'PhoneNumberVerified':
      return { ...state, phoneVerified: true };
    case 'SmsDispatched':
    case 'SmsDispatchFailed':
    case 'SmsDeliveryReported':
      return {
        ...state,
        smsOutcomes: [
          ...state.smsOutcomes,
          smsOutcomeKey(
            event.type,
            event.data.sourceEventId,
            event.type === 'SmsDeliveryReported' ? event.data.status : '',
          ),
        ],
      };
    case 'PasswordChangeStaged':
      return updateChallenge(state, event.data.sessionId, { stagedPasswordHash: event.data.passwordHash });
    case 'PasswordChanged': {
      const staged = challengeOf(state, event.data.sessionId)?.stagedPasswordHash;
      const unlocked = { ...withoutLoginFailures(state), lockedOut: false, consecutiveOtpFailures: 0 };
      return staged ? { ...unlocked, passwordHash: staged } : unlocked;
    }
    case 'SessionStarted':
      return {
        ...state,
        families: {
          ...state.families,
          [event.data.familyId]: {
            sessionId: event.data.sessionId,
            currentTokenHash: event.data.refreshTokenHash,
            rotatedTokenHashes: [],
            expiresAt: event.data.expiresAt,
            revoked: false,
            ...(event.data.clientId ? { clientId: event.data.clientId } : {}),
          },
        },
      };
    case 'RefreshTokenRotated': {
      const family = familyOf(state, event.data.familyId);
      if (!family) return state;
      return {
        ...state,
        families: {
          ...state.families,
          [event.data.familyId]: {
            ...family,
            currentTokenHash: event.data.refreshTokenHash,
            rotatedTokenHashes: [...family.rotatedTokenHashes, event.data.previousTokenHash],
          },
        },
      };
    }
    case 'SessionsRevoked': {
      const families = { ...state.families };
      for (const familyId of event.data.familyIds) {
        const family = familyOf(state, familyId);
        if (family) families[familyId] = { ...family, revoked: true };
      }
      return { ...state, families };
    }
    default:
      return state;
  }
}

/** The count towards a login lock, as loginLock.ts reads it. */
export function loginFailuresOf(state: UserState): LoginFailures {
  const { consecutiveLoginFailures: consecutiveFailures, loginLockedUntil: lockedUntil } = state;
  return lockedUntil === undefined ? { consecutiveFailures } : { consecutiveFailures, lockedUntil };
}

function withoutLoginFailures(state: UserState): UserState {
  const { loginLockedUntil: _cleared, ...rest } = state;
  return { ...rest, consecutiveLoginFailures: 0 };
}

/**
 * Whether a code (sent or held back by the SMS budget) opens a new login
 * session: only the right password does that. A resend or a password reset
 * proves no password, so it must not clear the wrong-password count.
 */
function opensLogin(state: UserState, issued: { sessionId: string; purpose: OtpChallenge['purpose'] }): boolean {
  return issued.purpose === 'LOGIN' && !challengeOf(state, issued.sessionId);
}

/**
 * The challenge a session opened, if any. Session ids arrive from callers, so
 * only own keys count: "constructor" or "__proto__" must name no challenge,
 * not a member every plain object inherits.
 */
export function challengeOf(state: UserState, sessionId: string): OtpChallenge | undefined {
  return Object.hasOwn(state.challenges, sessionId) ? state.challenges[sessionId] : undefined;
}

/** An account of the user, if any; own keys only, as for challenges. */
export function accountOf(state: UserState, accountId: string): AccountState | undefined {
  return Object.hasOwn(state.accounts, accountId) ? state.accounts[accountId] : undefined;
}

/** The verdict of one of the user's identifications, if it is theirs. */
export function identificationOf(
  state: UserState,
  identificationId: string,
): 'PENDING' | 'APPROVED' | 'REJECTED' | undefined {
  return Object.hasOwn(state.kyc.identifications, identificationId)
    ? state.kyc.identifications[identificationId]
    : undefined;
}

/** The refresh-token family of a login, if any; own keys only, as for challenges. */
export function familyOf(state: UserState, familyId: string): RefreshTokenFamily | undefined {
  return Object.hasOwn(state.families, familyId) ? state.families[familyId] : undefined;
}

/** A new code (or a held-back one) on a session: the wrong codes so far and a staged password stay with the session. */
function withChallenge(
  state: UserState,
  sessionId: string,
  issued: Pick<OtpChallenge, 'purpose' | 'codeHash' | 'issuedAt' | 'expiresAt' | 'maxAttempts'>,
): UserState {
  const previous = challengeOf(state, sessionId);
  const challenge: OtpChallenge = {
    ...issued,
    failedAttempts: previous?.failedAttempts ?? 0,
    used: false,
    ...(previous?.stagedPasswordHash ? { stagedPasswordHash: previous.stagedPasswordHash } : {}),
  };
  return { ...state, challenges: { ...state.challenges, [sessionId]: challenge } };
}

function updateChallenge(state: UserState, sessionId: string, change: Partial<OtpChallenge>): UserState {
  const challenge = challengeOf(state, sessionId);
  if (!challenge) return state;
  return { ...state, challenges: { ...state.challenges, [sessionId]: { ...challenge, ...change } } };
}

export function smsOutcomeKey(type: string, sourceEventId: string, detail = ''): string {
  return `${type}:${sourceEventId}:${detail}`;
}
