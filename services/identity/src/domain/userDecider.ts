/**
 * The user's rules: registration, login with password then SMS code, refresh
 * token rotation, password reset. Pure: the clock, ids, random codes and hash
 * comparisons arrive inside the commands.
 */
import type { IdentityEvent, RecordSmsOutcome } from '@tessera/contracts';
import { accept, reject, type Decision } from './decision.ts';
import { afterWrongPassword, loginLockSecondsLeft, type LoginLockPolicy } from './loginLock.ts';
import {
  accountOf,
  challengeOf,
  familyOf,
  identificationOf,
  loginFailuresOf,
  smsOutcomeKey,
  type OtpChallenge,
  type UserState,
} from './userState.ts';

/** An OTP made by the handler: its keyed hash and the code sealed for the notifier. */
export interface IssuedOtp {
  codeHash: string;
  sealedDelivery: string;
  destinationHint: string;
  expiresAt: string;
  maxAttempts: number;
}

/** How many codes one phone may receive: SMS cost money, and every code is a chance to guess. */
export interface SmsBudget {
  perWindow: number;
  windowSeconds: number;
  perDay: number;
}

export type UserCommand =
  | {
      type: 'RegisterUser';
      userId: string;
      accountId: string;
      email: string;
      phoneNumber: string;
      passwordHash: string;
      roles: string[];
      allowedRoles: readonly string[];
      clientId: string;
      locale?: string;
    }
  | {
      type: 'StartLogin';
      /** Always false while login is locked: the handler then checks no real hash. */ passwordMatches: boolean;
      sessionId: string;
      otp: IssuedOtp;
      now: string;
      smsBudget?: SmsBudget;
      loginLock: LoginLockPolicy;
    }
  | {
      type: 'VerifyOtp';
      sessionId: string;
      presentedCodeHash: string;
      familyId: string;
      newRefreshTokenHash: string;
      refreshExpiresAt: string;
      now: string;
      /** The API client the login is made through: the session is bound to it. */ clientId: string;
      /** Sealed `{to, locale}` for the "password changed" SMS. */ passwordChangedNotice?: string;
      /** Consecutive wrong codes on the account that lock it. */ accountLockThreshold: number;
    }
  | {
      type: 'ResendOtp';
      sessionId: string;
      otp: IssuedOtp;
      cooldownSeconds: number;
      now: string;
      smsBudget?: SmsBudget;
    }
  | {
      type: 'RefreshSession';
      presentedTokenHash: string;
      newRefreshTokenHash: string;
      now: string;
      /** The API client presenting the token. */ clientId: string;
    }
  | { type: 'StartPasswordReset'; sessionId: string; otp: IssuedOtp; now: string; smsBudget?: SmsBudget }
  | { type: 'StagePasswordChange'; sessionId: string; passwordHash: string; now: string }
  | { type: 'RecordSmsOutcome'; outcome: RecordSmsOutcome['payload']['outcome'] }
  | { type: 'Logout'; familyId: string }
  | { type: 'ErasePersonalData'; erasedAt: string }
  | { type: 'OpenAccount'; accountId: string }
  | { type: 'StartKyc'; identificationId: string; provider: string; maxAttempts: number }
  | { type: 'RecordKycVerdict'; identificationId: string; status: 'APPROVED' | 'REJECTED'; reason?: string }
  | { type: 'ActivateAccount'; accountId: string; note: string; activatedBy: string }
  | { type: 'CreatePortfolio'; accountId: string; portfolioId: string; name: string; publicAddress: string };

const ACCOUNT_COMMANDS: ReadonlySet<UserCommand['type']> = new Set([
  'OpenAccount',
  'StartKyc',
  'RecordKycVerdict',
  'ActivateAccount',
  'CreatePortfolio',
]);

export function decideUser(command: UserCommand, state: UserState): Decision {
  if (command.type === 'RegisterUser') return register(command, state);
  if (command.type === 'ErasePersonalData') return erase(command, state);
  // Reports of SMS sent before the erasure still arrive; there is nothing left to record them against.
  if (state.erased && command.type === 'RecordSmsOutcome') return accept();
  if (!state.registered) {
    if (ACCOUNT_COMMANDS.has(command.type)) return reject('USER_NOT_FOUND');
    return reject(command.type === 'RefreshSession' ? 'REFRESH_TOKEN_INVALID' : 'INVALID_CREDENTIALS');
  }
  switch (command.type) {
    case 'StartLogin':
      return startLogin(command, state);
    case 'VerifyOtp':
      return verifyOtp(command, state);
    case 'ResendOtp':
      return resendOtp(command, state);
    case 'RefreshSession':
      return refresh(command, state);
    case 'StartPasswordReset':
      return accept(
        { type: 'PasswordResetStarted', data: { userId: state.userId, sessionId: command.sessionId } },
        issueWithinBudget(state, command.sessionId, 'PASSWORD_RESET', command.otp, command.now, command.smsBudget),
      );
    case 'StagePasswordChange':
      return stagePassword(command, state);
    case 'RecordSmsOutcome':
      return recordSmsOutcome(command.outcome, state);
    case 'Logout': {
      const family = familyOf(state, command.familyId);
      if (!family || family.revoked) return accept();
      return accept({
        type: 'SessionsRevoked',
        data: { userId: state.userId, familyIds: [command.familyId], reason: 'LOGOUT' },
      });
    }
    case 'OpenAccount': {
      const opened: IdentityEvent = {
        type: 'AccountOpened',
        data: { userId: state.userId, accountId: command.accountId, kind: 'SUB' },
      };
      // Validation belongs to the user: once KYC is approved, a new account is valid from the start.
      if (state.kyc.status !== 'APPROVED') return accept(opened);
      return accept(opened, {
        type: 'AccountActivated',
        data: { userId: state.userId, accountId: command.accountId, reason: 'KYC_APPROVED' },
      });
    }
    case 'StartKyc': {
      const refusal = kycStartRefusal(state, command.maxAttempts);
      if (refusal) return reject(refusal);
      return accept({
        type: 'KycStarted',
        data: {
          userId: state.userId,
          identificationId: command.identificationId,
          attempt: state.kyc.attempts + 1,
          provider: command.provider,
        },
      });
    }
    case 'RecordKycVerdict':
      return recordKycVerdict(command, state);
    case 'ActivateAccount': {
      const account = accountOf(state, command.accountId);
      if (!account) return reject('ACCOUNT_NOT_FOUND');
      if (account.status === 'ACTIVE') return accept();
      return accept({
        type: 'AccountActivated',
        data: {
          userId: state.userId,
          accountId: command.accountId,
          reason: 'MANUAL',
          note: command.note,
          activatedBy: command.activatedBy,
        },
      });
    }
    case 'CreatePortfolio': {
      const refusal = portfolioRefusal(state, command.accountId, command.name);
      if (refusal) return reject(refusal);
      const { accountId, portfolioId, name, publicAddress } = command;
      const portfolioAccountType = accountOf(state, accountId)!.portfolioNames.length === 0 ? 'TRADING' : 'STANDARD';
      return accept({
        type: 'PortfolioCreated',
        data: { userId: state.userId, accountId, portfolioId, name, portfolioAccountType, publicAddress },
      });
    }
  }
}

/** Why no identification may start now; checked before the provider is asked, and again by the decider. */
export function kycStartRefusal(state: UserState, maxAttempts: number) {
  if (!state.registered) return 'USER_NOT_FOUND' as const;
  if (state.kyc.status === 'APPROVED') return 'KYC_ALREADY_APPROVED' as const;
  if (state.kyc.attempts >= maxAttempts) return 'KYC_ATTEMPTS_EXHAUSTED' as const;
  return undefined;
}

/** Why no portfolio may be made on the account; checked before the wallet is asked for an address, and again by the decider. */
export function portfolioRefusal(state: UserState, accountId: string, name: string) {
  if (!state.registered) return 'USER_NOT_FOUND' as const;
  const account = accountOf(state, accountId);
  if (!account) return 'ACCOUNT_NOT_FOUND' as const;
  if (account.status !== 'ACTIVE') return 'ACCOUNT_NOT_ACTIVE' as const;
  if (account.portfolioNames.includes(name.toLowerCase())) return 'PORTFOLIO_NAME_TAKEN' as const;
  return undefined;
}

/** A verdict counts once: the same verdict again records nothing, a contrary one is refused. Approval validates every pending account. */
function recordKycVerdict(command: Extract<UserCommand, { type: 'RecordKycVerdict' }>, state: UserState): Decision {
  const current = identificationOf(state, command.identificationId);
  if (!current) return reject('KYC_IDENTIFICATION_UNKNOWN');
  if (current === command.status) return accept();
  if (current !== 'PENDING') return reject('KYC_VERDICT_CONFLICT');
  const { userId } = state;
  const { identificationId } = command;
  if (command.status === 'REJECTED') {
    return accept({
      type: 'KycRejected',
      data: { userId, identificationId, ...(command.reason ? { reason: command.reason } : {}) },
    });
  }
  const pending = Object.entries(state.accounts)
    .filter(([, account]) => account.status !== 'ACTIVE')
    .map(([accountId]) => accountId);
  return accept(
    { type: 'KycApproved', data: { userId, identificationId } },
    ...pending.map((accountId): IdentityEvent => ({
      type: 'AccountActivated',
      data: { userId, accountId, reason: 'KYC_APPROVED' },
    })),
  );
}

/** Erasing twice answers the same and records nothing more. */
function erase(command: Extract<UserCommand, { type: 'ErasePersonalData' }>, state: UserState): Decision {
  if (state.erased) return accept();
  if (!state.registered) return reject('USER_NOT_FOUND');
  const { userId } = state;
  const events: IdentityEvent[] = [];
  const liveFamilies = Object.entries(state.families)
    .filter(([, family]) => !family.revoked)
    .map(([familyId]) => familyId);
  if (liveFamilies.length > 0)
    events.push({ type: 'SessionsRevoked', data: { userId, familyIds: liveFamilies, reason: 'PERSONAL_DATA_ERASED' } });
  events.push({ type: 'PersonalDataErased', data: { userId, erasedAt: command.erasedAt } });
  return accept(...events);
}

function register(command: Extract<UserCommand, { type: 'RegisterUser' }>, state: UserState): Decision {
  if (state.registered) return reject('REGISTRATION_CONFLICT');
  if (command.roles.some((role) => !command.allowedRoles.includes(role))) return reject('ROLE_NOT_ALLOWED');
  const { userId, accountId, email, phoneNumber, passwordHash, roles, clientId, locale } = command;
  return accept(
    {
      type: 'UserRegistered',
      data: { userId, email, phoneNumber, passwordHash, roles, clientId, ...(locale ? { locale } : {}) },
    },
    { type: 'AccountOpened', data: { userId, accountId, kind: 'MAIN' } },
  );
}

function startLogin(command: Extract<UserCommand, { type: 'StartLogin' }>, state: UserState): Decision {
  // Refused before the password: an attempt during the lock is not counted, and the right password is refused too.
  const waitSeconds = loginLockSecondsLeft(loginFailuresOf(state), command.now);
  if (waitSeconds > 0) return reject('LOGIN_TEMPORARILY_LOCKED', [], waitSeconds);
  if (!command.passwordMatches) {
    const { userId } = state;
    const { consecutiveFailures, lockedUntil } = afterWrongPassword(
      loginFailuresOf(state),
      command.loginLock,
      command.now,
    );
    const failed: IdentityEvent[] = [{ type: 'LoginFailed', data: { userId, consecutiveFailures } }];
    if (lockedUntil !== undefined)
      failed.push({ type: 'LoginTemporarilyLocked', data: { userId, consecutiveFailures, lockedUntil } });
    return reject('INVALID_CREDENTIALS', failed);
  }
  // Only after the right password, so a lock tells nothing to someone who does not know it.
  if (state.lockedOut) return reject('ACCOUNT_LOCKED');
  return accept(issueWithinBudget(state, command.sessionId, 'LOGIN', command.otp, command.now, command.smsBudget));
}

/** Why a challenge can no longer take a code, checked before the code itself. */
function challengeClosed(challenge: OtpChallenge, now: string) {
  if (challenge.used) return 'OTP_ALREADY_USED' as const;
  if (challenge.failedAttempts >= challenge.maxAttempts) return 'OTP_ATTEMPTS_EXHAUSTED' as const;
  if (now >= challenge.expiresAt) return 'OTP_EXPIRED' as const;
  return undefined;
}

function verifyOtp(command: Extract<UserCommand, { type: 'VerifyOtp' }>, state: UserState): Decision {
  const challenge = challengeOf(state, command.sessionId);
  if (!challenge) return reject('OTP_INVALID');
  const closed = challengeClosed(challenge, command.now);
  if (closed) return reject(closed);
  if (challenge.purpose === 'LOGIN' && state.lockedOut) return reject('ACCOUNT_LOCKED');
  if (challenge.purpose === 'PASSWORD_RESET' && !challenge.stagedPasswordHash) return reject('PASSWORD_NOT_STAGED');
  const { userId } = state;
  const { sessionId } = command;
  // Keyed hashes: comparing them leaks nothing an attacker can steer, so plain equality is safe.
  // A held-back code has no hash at all, and nothing presented may match it.
  if (challenge.codeHash === '' || command.presentedCodeHash !== challenge.codeHash) {
    const failedAttempts = challenge.failedAttempts + 1;
    const failed: IdentityEvent[] = [
      {
        type: 'OtpVerificationFailed',
        data: { userId, sessionId, failedAttempts, attemptsLeft: Math.max(0, challenge.maxAttempts - failedAttempts) },
      },
    ];
    const consecutiveOtpFailures = state.consecutiveOtpFailures + 1;
    if (!state.lockedOut && consecutiveOtpFailures >= command.accountLockThreshold) {
      failed.push({ type: 'UserLockedOut', data: { userId, reason: 'OTP_FAILURES', consecutiveOtpFailures } });
      return reject('ACCOUNT_LOCKED', failed);
    }
    return reject('OTP_INVALID', failed);
  }
  const events: IdentityEvent[] = [{ type: 'OtpVerified', data: { userId, sessionId, purpose: challenge.purpose } }];
  if (!state.phoneVerified) events.push({ type: 'PhoneNumberVerified', data: { userId } });
  if (challenge.purpose === 'LOGIN') {
    events.push({
      type: 'SessionStarted',
      data: {
        userId,
        sessionId,
        familyId: command.familyId,
        refreshTokenHash: command.newRefreshTokenHash,
        expiresAt: command.refreshExpiresAt,
        clientId: command.clientId,
      },
    });
    return accept(...events);
  }
  events.push({
    type: 'PasswordChanged',
    data: {
      userId,
      sessionId,
      ...(command.passwordChangedNotice ? { sealedNotice: command.passwordChangedNotice } : {}),
    },
  });
  const liveFamilies = Object.entries(state.families)
    .filter(([, family]) => !family.revoked)
    .map(([familyId]) => familyId);
  if (liveFamilies.length > 0)
    events.push({ type: 'SessionsRevoked', data: { userId, familyIds: liveFamilies, reason: 'PASSWORD_CHANGED' } });
  return accept(...events);
}

function resendOtp(command: Extract<UserCommand, { type: 'ResendOtp' }>, state: UserState): Decision {
  const challenge = challengeOf(state, command.sessionId);
  if (!challenge) return reject('OTP_INVALID');
  if (challenge.used) return reject('OTP_ALREADY_USED');
  if (challenge.failedAttempts >= challenge.maxAttempts) return reject('OTP_ATTEMPTS_EXHAUSTED');
  // The lock stops login codes on every path: a code sent here could not be used, only cost an SMS and alarm the owner.
  if (challenge.purpose === 'LOGIN' && state.lockedOut) return reject('ACCOUNT_LOCKED');
  const elapsedSeconds = (Date.parse(command.now) - Date.parse(challenge.issuedAt)) / 1000;
  if (elapsedSeconds < command.cooldownSeconds) {
    return reject('OTP_RESEND_TOO_SOON', [], Math.ceil(command.cooldownSeconds - elapsedSeconds));
  }
  return accept(
    issueWithinBudget(
      state,
      command.sessionId,
      challenge.purpose,
      { ...command.otp, maxAttempts: challenge.maxAttempts },
      command.now,
      command.smsBudget,
    ),
  );
}

function refresh(command: Extract<UserCommand, { type: 'RefreshSession' }>, state: UserState): Decision {
  const { userId } = state;
  for (const [familyId, family] of Object.entries(state.families)) {
    // RFC 6749 §6: a refresh token is bound to the client it was issued to. Another client's
    // presentation is refused without touching the session: it proves no theft by the holder.
    if (family.clientId !== undefined && family.clientId !== command.clientId) continue;
    if (family.currentTokenHash === command.presentedTokenHash) {
      if (family.revoked || command.now >= family.expiresAt) return reject('REFRESH_TOKEN_INVALID');
      return accept({
        type: 'RefreshTokenRotated',
        data: {
          userId,
          familyId,
          previousTokenHash: family.currentTokenHash,
          refreshTokenHash: command.newRefreshTokenHash,
        },
      });
    }
    if (family.rotatedTokenHashes.includes(command.presentedTokenHash)) {
      // A rotated token came back: either the user or a thief holds a copy, so neither may keep the session.
      if (family.revoked) return reject('REFRESH_TOKEN_INVALID');
      return reject('REFRESH_TOKEN_INVALID', [
        { type: 'RefreshTokenReuseDetected', data: { userId, familyId } },
        { type: 'SessionsRevoked', data: { userId, familyIds: [familyId], reason: 'REFRESH_TOKEN_REUSE' } },
      ]);
    }
  }
  return reject('REFRESH_TOKEN_INVALID');
}

function stagePassword(command: Extract<UserCommand, { type: 'StagePasswordChange' }>, state: UserState): Decision {
  const challenge = challengeOf(state, command.sessionId);
  if (!challenge || challenge.purpose !== 'PASSWORD_RESET') return reject('SESSION_NOT_RESETTABLE');
  const closed = challengeClosed(challenge, command.now);
  if (closed) return reject(closed);
  return accept({
    type: 'PasswordChangeStaged',
    data: { userId: state.userId, sessionId: command.sessionId, passwordHash: command.passwordHash },
  });
}

function otpIssued(
  state: UserState,
  sessionId: string,
  purpose: 'LOGIN' | 'PASSWORD_RESET',
  otp: IssuedOtp,
  now: string,
): IdentityEvent {
  return { type: 'OtpIssued', data: { userId: state.userId, sessionId, purpose, ...otp, issuedAt: now } };
}

/** The notifier reports each SMS outcome at least once; the stream keeps one of each. */
function recordSmsOutcome(outcome: RecordSmsOutcome['payload']['outcome'], state: UserState): Decision {
  const detail = outcome.type === 'SmsDeliveryReported' ? outcome.status : '';
  if (state.smsOutcomes.includes(smsOutcomeKey(outcome.type, outcome.sourceEventId, detail))) return accept();
  const { userId } = state;
  switch (outcome.type) {
    case 'SmsDispatched':
      return accept({
        type: 'SmsDispatched',
        data: {
          userId,
          sourceEventId: outcome.sourceEventId,
          purpose: outcome.purpose,
          provider: outcome.provider,
          providerMessageId: outcome.providerMessageId,
        },
      });
    case 'SmsDispatchFailed':
      return accept({
        type: 'SmsDispatchFailed',
        data: {
          userId,
          sourceEventId: outcome.sourceEventId,
          purpose: outcome.purpose,
          reason: outcome.reason,
          ...(outcome.provider ? { provider: outcome.provider } : {}),
          ...(outcome.httpStatus !== undefined ? { httpStatus: outcome.httpStatus } : {}),
        },
      });
    case 'SmsDeliveryReported':
      return accept({
        type: 'SmsDeliveryReported',
        data: {
          userId,
          sourceEventId: outcome.sourceEventId,
          providerMessageId: outcome.providerMessageId,
          status: outcome.status,
          ...(outcome.errorCode ? { errorCode: outcome.errorCode } : {}),
        },
      });
  }
}

/**
 * A code, unless the phone's budget is spent: then no code exists at all (so
 * there is nothing to guess) and the caller gets the usual answer, so the
 * budget cannot be probed and pumping SMS costs nothing.
 */
function issueWithinBudget(
  state: UserState,
  sessionId: string,
  purpose: 'LOGIN' | 'PASSWORD_RESET',
  otp: IssuedOtp,
  now: string,
  budget: SmsBudget | undefined,
): IdentityEvent {
  if (budget) {
    const at = Date.parse(now);
    const sentWithin = (seconds: number) =>
      state.otpIssuedAt.filter((issuedAt) => at - Date.parse(issuedAt) < seconds * 1000).length;
    if (sentWithin(budget.windowSeconds) >= budget.perWindow || sentWithin(24 * 3600) >= budget.perDay) {
      // No code exists, but the session takes codes, expires and closes like any other: an unsent code must not show.
      const { expiresAt, maxAttempts } = otp;
      return {
        type: 'OtpSendingSuppressed',
        data: { userId: state.userId, sessionId, purpose, reason: 'SMS_BUDGET', issuedAt: now, expiresAt, maxAttempts },
      };
    }
  }
  return otpIssued(state, sessionId, purpose, otp, now);
}
