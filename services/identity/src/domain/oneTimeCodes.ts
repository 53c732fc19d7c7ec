/**
 * One-time codes as the credentials decider issues and checks them: a code
 * issued within the phone's SMS budget, and when a challenge stops taking
 * codes. Pure: the clock arrives with each call.
 */
import type { IdentityEvent } from '@tessera/contracts';
import type { OtpChallenge } from './credentialsState.ts';
import type { UserState } from './userState.ts';

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

/**
 * A code, unless the phone's budget is spent: then no code exists at all (so
 * there is nothing to guess) and the caller gets the usual answer, so the
 * budget cannot be probed and pumping SMS costs nothing.
 */
export function issueWithinBudget(
  state: UserState,
  sessionId: string,
  purpose: OtpChallenge['purpose'],
  otp: IssuedOtp,
  now: string,
  budget: SmsBudget | undefined,
): IdentityEvent {
  const { userId } = state;
  if (budget && budgetSpent(state, budget, now)) {
    // No code exists, but the session takes codes, expires and closes like any other: an unsent code must not show.
    const { expiresAt, maxAttempts } = otp;
    return {
      type: 'OtpSendingSuppressed',
      data: { userId, sessionId, purpose, reason: 'SMS_BUDGET', issuedAt: now, expiresAt, maxAttempts },
    };
  }
  return { type: 'OtpIssued', data: { userId, sessionId, purpose, ...otp, issuedAt: now } };
}

function budgetSpent(state: UserState, budget: SmsBudget, now: string): boolean {
  const at = Date.parse(now);
  const sentWithin = (seconds: number) =>
    state.otpIssuedAt.filter((issuedAt) => at - Date.parse(issuedAt) < seconds * 1000).length;
  return sentWithin(budget.windowSeconds) >= budget.perWindow || sentWithin(24 * 3600) >= budget.perDay;
}

/** Why a challenge can no longer take a code, checked before the code itself. */
export function challengeClosed(challenge: OtpChallenge, now: string) {
  if (challenge.used) return 'OTP_ALREADY_USED' as const;
  if (challenge.failedAttempts >= challenge.maxAttempts) return 'OTP_ATTEMPTS_EXHAUSTED' as const;
  if (now >= challenge.expiresAt) return 'OTP_EXPIRED' as const;
  return undefined;
}
