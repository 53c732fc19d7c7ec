/**
 * Credentials and codes: login with a password then an SMS code, resending a
 * code, a password reset (a code, a staged password, the code commits it),
 * a step-up's code, a new phone number's code, the locks that wrong passwords and wrong codes bring, and
 * what became of each SMS.
 */
import type { Device, IdentityEvent, RecordSmsOutcome } from '@tessera/contracts';
import { answersPurpose, answerUsed, presentedCodeRight } from './challengeAnswers.ts';
import { challengeOf, loginFailuresOf, type OtpChallenge } from './credentialsState.ts';
import { accept, reject, type Decision } from './decision.ts';
import { deviceFields, newDeviceNoticed, type NewDeviceNotice } from './devices.ts';
import { afterWrongPassword, loginLockSecondsLeft, type LoginLockPolicy } from './loginLock.ts';
import { challengeClosed, issueWithinBudget, type IssuedOtp, type SmsBudget } from './oneTimeCodes.ts';
import { phoneNumberChangeCommitted, type PhoneNumberChangeCommit } from './phoneNumberDecider.ts';
import { codesSentTo, pendingPhoneNumberChangeOf, phoneNumberChangeCodeRefusal } from './phoneNumberState.ts';
import type { PasskeyAssertion } from './passkeysState.ts';
import { liveFamilyIds } from './sessionsState.ts';
import { recordSmsOutcome } from './smsOutcomes.ts';
import { stepUpCodeRefusal } from './stepUpState.ts';
import type { UserCommandRules } from './userDecider.ts';
import type { UserState } from './userState.ts';

export type CredentialCommand =
  | {
      type: 'StartLogin';
      /** Always false while login is locked: the handler then checks no real hash. */ passwordMatches: boolean;
      sessionId: string;
      otp: IssuedOtp;
      now: string;
      smsBudget?: SmsBudget;
      loginLock: LoginLockPolicy;
      /** The device the app declared, remembered on the challenge for the session its code starts. */ device?: Device;
    }
  | ({
      type: 'VerifyOtp';
      sessionId: string;
      /** The SMS code (also when absent), a recovery code (login, reset), or a passkey (login, step-up). */
      challengeType?: 'SMS_OTP' | 'RECOVERY_CODE' | 'PASSKEY';
      /** For PASSKEY: what the handler found on verifying the assertion; absent when it named no passkey. */
      passkey?: PasskeyAssertion;
      /** The keyed hash of the code presented: an SMS code's with the session, a recovery code's with the user. */
      presentedCodeHash: string;
      /** Sealed `{to, locale}` for the "recovery code used" SMS. */ recoveryCodeUsedNotice?: string;
      familyId: string;
      newRefreshTokenHash: string;
      refreshExpiresAt: string;
      now: string;
      /** The API client the login is made through: the session is bound to it. */ clientId: string;
      /** Sealed `{to, locale}` for the "password changed" SMS. */ passwordChangedNotice?: string;
      /** Consecutive wrong codes on the account that lock it. */ accountLockThreshold: number;
      /** The step-up token's id (`jti`), used only if a STEP_UP challenge's code is right. */ stepUpTokenId: string;
      /** When that token expires. */ stepUpExpiresAt: string;
      /** On a login's code: the SMS to send if the session starts on a device new to the user. */
      newDeviceNotice?: NewDeviceNotice;
    } & PhoneNumberChangeCommit)
  | {
      type: 'ResendOtp';
      sessionId: string;
      otp: IssuedOtp;
      cooldownSeconds: number;
      now: string;
      smsBudget?: SmsBudget;
    }
  | { type: 'StartPasswordReset'; sessionId: string; otp: IssuedOtp; now: string; smsBudget?: SmsBudget }
  | { type: 'StagePasswordChange'; sessionId: string; passwordHash: string; now: string }
  | { type: 'RecordSmsOutcome'; outcome: RecordSmsOutcome['payload']['outcome'] };

type Command<K extends CredentialCommand['type']> = Extract<CredentialCommand, { type: K }>;

export const credentialRules: UserCommandRules<CredentialCommand> = {
  StartLogin: { decide: startLogin, withoutUser: 'INVALID_CREDENTIALS' },
  VerifyOtp: { decide: verifyOtp, withoutUser: 'INVALID_CREDENTIALS' },
  ResendOtp: { decide: resendOtp, withoutUser: 'OTP_INVALID' },
  StartPasswordReset: { decide: startPasswordReset, withoutUser: 'INVALID_CREDENTIALS' },
  StagePasswordChange: { decide: stagePasswordChange, withoutUser: 'INVALID_CREDENTIALS' },
  // Reports of SMS sent before the erasure still arrive; there is nothing left to record them against.
  RecordSmsOutcome: { decide: recordSmsOutcome, withoutUser: 'USER_NOT_FOUND', doneOnceErased: true },
};

function startLogin(command: Command<'StartLogin'>, state: UserState): Decision {
  const refused = passwordRefusal(state, command.passwordMatches, command.loginLock, command.now);
  if (refused) return refused;
  const { sessionId, device } = command;
  const issued = issueWithinBudget(state, sessionId, 'LOGIN', command.otp, command.now, command.smsBudget);
  if (!device) return accept(issued);
  const { id, name: deviceName, platform: devicePlatform } = device;
  const data = { userId: state.userId, sessionId, deviceName, devicePlatform, ...(id ? { deviceId: id } : {}) };
  return accept(issued, { type: 'LoginDeviceDeclared', data });
}

/**
 * Why a password is refused, wherever it is asked (login, step-up): the login
 * lock, then the password itself (a wrong one counts towards the lock), then
 * the account lock. Undefined when the password opens the way.
 */
export function passwordRefusal(
  state: UserState,
  passwordMatches: boolean,
  loginLock: LoginLockPolicy,
  now: string,
): Decision | undefined {
  // Refused before the password: an attempt during the lock is not counted, and the right password is refused too.
  const waitSeconds = loginLockSecondsLeft(loginFailuresOf(state), now);
  if (waitSeconds > 0) return reject('LOGIN_TEMPORARILY_LOCKED', [], waitSeconds);
  if (!passwordMatches) {
    const { userId } = state;
    const { consecutiveFailures, lockedUntil } = afterWrongPassword(loginFailuresOf(state), loginLock, now);
    const failed: IdentityEvent[] = [{ type: 'LoginFailed', data: { userId, consecutiveFailures } }];
    if (lockedUntil !== undefined)
      failed.push({ type: 'LoginTemporarilyLocked', data: { userId, consecutiveFailures, lockedUntil } });
    return reject('INVALID_CREDENTIALS', failed);
  }
  // Only after the right password, so a lock tells nothing to someone who does not know it.
  if (state.lockedOut) return reject('ACCOUNT_LOCKED');
  return undefined;
}

function verifyOtp(command: Command<'VerifyOtp'>, state: UserState): Decision {
  const challenge = challengeOf(state, command.sessionId);
  if (!challenge) return reject('OTP_INVALID');
  const closed = challengeClosed(challenge, command.now);
  if (closed) return reject(closed);
  // A recovery code only for a login or a reset (a step-up proves possession, which a printed code cannot); a passkey
  // for a login or a step-up (possession and user verification), not for a new number (which needs its own SMS).
  if (!answersPurpose(command.challengeType, challenge.purpose)) return reject('CHALLENGE_TYPE_MISMATCH');
  if (challenge.purpose !== 'PASSWORD_RESET' && state.lockedOut) return reject('ACCOUNT_LOCKED');
  if (challenge.purpose === 'PASSWORD_RESET' && !challenge.stagedPasswordHash) return reject('PASSWORD_NOT_STAGED');
  const sessionRefused = codeSessionRefusal(challenge, state, command.sessionId, command.now);
  if (sessionRefused) return reject(sessionRefused);
  if (!presentedCodeRight(command, challenge, state)) return wrongCode(command, challenge, state);
  if (challenge.purpose === 'PHONE_NUMBER_CHANGE') return phoneNumberChangeCommitted(command, challenge, state);
  return accept(...rightCode(command, challenge, state));
}

/** Why a step-up's or a phone number change's code can no longer be taken: what it was asked for has ended. */
function codeSessionRefusal(challenge: OtpChallenge, state: UserState, sessionId: string, now: string) {
  if (challenge.purpose === 'STEP_UP') return stepUpCodeRefusal(state, sessionId, now);
  if (challenge.purpose === 'PHONE_NUMBER_CHANGE') return phoneNumberChangeCodeRefusal(state, sessionId, now);
  return undefined;
}

/** Counted on the challenge and on the account, which locks at the threshold. */
function wrongCode(command: Command<'VerifyOtp'>, challenge: OtpChallenge, state: UserState): Decision {
  const { userId } = state;
  const failedAttempts = challenge.failedAttempts + 1;
  const attemptsLeft = Math.max(0, challenge.maxAttempts - failedAttempts);
  const failed: IdentityEvent[] = [
    { type: 'OtpVerificationFailed', data: { userId, sessionId: command.sessionId, failedAttempts, attemptsLeft } },
  ];
  const consecutiveOtpFailures = state.consecutiveOtpFailures + 1;
  if (!state.lockedOut && consecutiveOtpFailures >= command.accountLockThreshold) {
    failed.push({ type: 'UserLockedOut', data: { userId, reason: 'OTP_FAILURES', consecutiveOtpFailures } });
    return reject('ACCOUNT_LOCKED', failed);
  }
  return reject('OTP_INVALID', failed);
}

/**
 * A login's right code starts a session; a step-up's completes it (the gateway
 * signs its token); a reset's commits the staged password and ends every live
 * session.
 */
function rightCode(command: Command<'VerifyOtp'>, challenge: OtpChallenge, state: UserState): IdentityEvent[] {
  const { userId } = state;
  const { sessionId } = command;
  const events: IdentityEvent[] = [{ type: 'OtpVerified', data: { userId, sessionId, purpose: challenge.purpose } }];
  events.push(...answerUsed(command, state));
  if (challenge.purpose === 'LOGIN') {
    const { familyId, newRefreshTokenHash: refreshTokenHash, refreshExpiresAt: expiresAt, clientId } = command;
    const { device } = challenge;
    events.push({
      type: 'SessionStarted',
      data: { userId, sessionId, familyId, refreshTokenHash, expiresAt, clientId, ...deviceFields(device) },
    });
    events.push(...newDeviceNoticed(state, familyId, device, command.newDeviceNotice, command.now));
    return events;
  }
  if (challenge.purpose === 'STEP_UP') {
    const { stepUpTokenId: tokenId, stepUpExpiresAt: expiresAt, now: authTime } = command;
    // A recovery code never answers a step-up (answersPurpose): the SMS code or a passkey did.
    const challengeType = command.challengeType === 'PASSKEY' ? 'PASSKEY' : 'SMS_OTP';
    const completed = { userId, stepUpId: sessionId, tokenId, authTime, expiresAt, challengeType } as const;
    events.push({ type: 'StepUpCompleted', data: completed });
    return events;
  }
  const notice = command.passwordChangedNotice;
  events.push({ type: 'PasswordChanged', data: { userId, sessionId, ...(notice ? { sealedNotice: notice } : {}) } });
  const familyIds = liveFamilyIds(state);
  if (familyIds.length > 0)
    events.push({ type: 'SessionsRevoked', data: { userId, familyIds, reason: 'PASSWORD_CHANGED' } });
  return events;
}

function resendOtp(command: Command<'ResendOtp'>, state: UserState): Decision {
  const challenge = challengeOf(state, command.sessionId);
  if (!challenge) return reject('OTP_INVALID');
  if (challenge.used) return reject('OTP_ALREADY_USED');
  if (challenge.failedAttempts >= challenge.maxAttempts) return reject('OTP_ATTEMPTS_EXHAUSTED');
  // The lock stops login codes on every path: a code sent here could not be used, only cost an SMS and alarm the owner.
  if (challenge.purpose !== 'PASSWORD_RESET' && state.lockedOut) return reject('ACCOUNT_LOCKED');
  const sessionRefused = codeSessionRefusal(challenge, state, command.sessionId, command.now);
  if (sessionRefused) return reject(sessionRefused);
  const elapsedSeconds = (Date.parse(command.now) - Date.parse(challenge.issuedAt)) / 1000;
  if (elapsedSeconds < command.cooldownSeconds) {
    return reject('OTP_RESEND_TOO_SOON', [], Math.ceil(command.cooldownSeconds - elapsedSeconds));
  }
  // The new code keeps the session's allowance of wrong codes.
  const otp = { ...command.otp, maxAttempts: challenge.maxAttempts };
  const budgetState = phoneNumberChangeBudget(state, command.sessionId) ?? state;
  return accept(
    issueWithinBudget(budgetState, command.sessionId, challenge.purpose, otp, command.now, command.smsBudget),
  );
}

function startPasswordReset(command: Command<'StartPasswordReset'>, state: UserState): Decision {
  const { sessionId, otp, now, smsBudget } = command;
  return accept(
    { type: 'PasswordResetStarted', data: { userId: state.userId, sessionId } },
    issueWithinBudget(state, sessionId, 'PASSWORD_RESET', otp, now, smsBudget),
  );
}

function stagePasswordChange(command: Command<'StagePasswordChange'>, state: UserState): Decision {
  const challenge = challengeOf(state, command.sessionId);
  if (!challenge || challenge.purpose !== 'PASSWORD_RESET') return reject('SESSION_NOT_RESETTABLE');
  const closed = challengeClosed(challenge, command.now);
  if (closed) return reject(closed);
  return accept({
    type: 'PasswordChangeStaged',
    data: { userId: state.userId, sessionId: command.sessionId, passwordHash: command.passwordHash },
  });
}

/** A code resent to a new number counts against that number's budget, not the current phone's. */
function phoneNumberChangeBudget(state: UserState, sessionId: string): UserState | undefined {
  const pending = pendingPhoneNumberChangeOf(state, sessionId);
  return pending && { ...state, otpIssuedAt: codesSentTo(state, pending.phoneNumber) };
}
