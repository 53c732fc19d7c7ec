/**
 * The credentials part of a user's state: wrong passwords and their lock,
 * one-time-code challenges, the account lock after wrong codes, the phone's
 * recent codes and SMS outcomes, and a password reset. Pure: no I/O, no clock.
 */
import type { Device, IdentityEvent, OtpPurposeName } from '@tessera/contracts';
import { deviceOf } from './devices.ts';
import type { LoginFailures } from './loginLock.ts';
import { pendingPhoneNumberChangeOf } from './phoneNumberState.ts';
import type { UserState } from './userState.ts';

export interface OtpChallenge {
  purpose: OtpPurposeName;
  /** Empty when the SMS budget held the code back: no code matches, yet the session closes like any other. */
  codeHash: string;
  issuedAt: string;
  expiresAt: string;
  maxAttempts: number;
  /** Wrong codes so far on this session; a resend keeps the count. */
  failedAttempts: number;
  used: boolean;
  stagedPasswordHash?: string;
  /** The device a login declared: the session its code starts carries it on. */
  device?: Device;
}

/** More than any daily SMS budget a deployment would set. */
const MAX_REMEMBERED_SENDS = 100;

export function evolveCredentials(state: UserState, event: IdentityEvent): UserState {
  switch (event.type) {
    case 'LoginFailed':
      return { ...state, consecutiveLoginFailures: event.data.consecutiveFailures };
    case 'LoginTemporarilyLocked':
      return { ...state, loginLockedUntil: event.data.lockedUntil };
    case 'OtpIssued': {
      const { sessionId, purpose, codeHash, issuedAt, expiresAt, maxAttempts } = event.data;
      // Only a new login or step-up follows the right password; a resend or a reset code proves none: the count stays.
      const base = followsRightPassword(state, event.data) ? withoutLoginFailures(state) : state;
      const challenged = withChallenge(base, sessionId, { purpose, codeHash, issuedAt, expiresAt, maxAttempts });
      // A code to a new number is that number's (phoneNumberState.ts), not the current phone's.
      if (purpose === 'PHONE_NUMBER_CHANGE') return challenged;
      return { ...challenged, otpIssuedAt: [...state.otpIssuedAt, issuedAt].slice(-MAX_REMEMBERED_SENDS) };
    }
    case 'OtpSendingSuppressed': {
      const base = followsRightPassword(state, event.data) ? withoutLoginFailures(state) : state;
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
    case 'PhoneNumberVerified':
      return { ...state, phoneVerified: true };
    case 'SmsDispatched':
    case 'SmsDispatchFailed':
    case 'SmsDeliveryReported': {
      const detail = event.type === 'SmsDeliveryReported' ? event.data.status : '';
      return {
        ...state,
        smsOutcomes: [...state.smsOutcomes, smsOutcomeKey(event.type, event.data.sourceEventId, detail)],
      };
    }
    case 'LoginDeviceDeclared': {
      const device = deviceOf(event.data);
      return device ? updateChallenge(state, event.data.sessionId, { device }) : state;
    }
    case 'PasswordChangeStaged':
      return updateChallenge(state, event.data.sessionId, { stagedPasswordHash: event.data.passwordHash });
    case 'PasswordChanged': {
      const staged = challengeOf(state, event.data.sessionId)?.stagedPasswordHash;
      const unlocked = { ...withoutLoginFailures(state), lockedOut: false, consecutiveOtpFailures: 0 };
      return staged ? { ...unlocked, passwordHash: staged } : unlocked;
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

/**
 * The challenge a session opened, if any. Session ids arrive from callers, so
 * only own keys count: "constructor" or "__proto__" must name no challenge,
 * not a member every plain object inherits.
 */
export function challengeOf(state: UserState, sessionId: string): OtpChallenge | undefined {
  return Object.hasOwn(state.challenges, sessionId) ? state.challenges[sessionId] : undefined;
}

export function smsOutcomeKey(type: string, sourceEventId: string, detail = ''): string {
  return `${type}:${sourceEventId}:${detail}`;
}

function withoutLoginFailures(state: UserState): UserState {
  const { loginLockedUntil: _cleared, ...rest } = state;
  return { ...rest, consecutiveLoginFailures: 0 };
}

/**
 * Whether a code (sent or held back by the SMS budget) opens a new login or
 * step-up session (or a phone number change asked with the password): only the right password does that. A resend or a password
 * reset proves no password, so it must not clear the wrong-password count.
 */
function followsRightPassword(state: UserState, issued: { sessionId: string; purpose: OtpPurposeName }): boolean {
  if (issued.purpose === 'PASSWORD_RESET' || challengeOf(state, issued.sessionId)) return false;
  // A phone number change asked with a step-up token proves no password now: the count stays.
  if (issued.purpose === 'PHONE_NUMBER_CHANGE')
    return pendingPhoneNumberChangeOf(state, issued.sessionId)?.proof === 'PASSWORD';
  return true;
}

/** A new code (or a held-back one) on a session: the wrong codes so far, a staged password and a device stay with it. */
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
    ...(previous?.device ? { device: previous.device } : {}),
  };
  return { ...state, challenges: { ...state.challenges, [sessionId]: challenge } };
}

function updateChallenge(state: UserState, sessionId: string, change: Partial<OtpChallenge>): UserState {
  const challenge = challengeOf(state, sessionId);
  if (!challenge) return state;
  return { ...state, challenges: { ...state.challenges, [sessionId]: { ...challenge, ...change } } };
}
