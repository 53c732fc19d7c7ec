/**
 * The phone-number part of a user's state: the changes asked and waiting for
 * the new number's code, the codes each new number received (its own SMS
 * budget), and until when money-moving step-ups wait after a change. Pure.
 */
import type { IdentityEvent } from '@tessera/contracts';
import { familyLive } from './stepUpState.ts';
import type { UserState } from './userState.ts';

export interface PendingPhoneNumberChange {
  /** The challenge of the code sent to the new number. */
  sessionId: string;
  /** Normalised E.164; personal data in memory, as the current number is. */
  phoneNumber: string;
  /** The login it was asked from: ending it ends the request. */
  familyId: string;
  /** What stood for the password: only the password itself clears the wrong-password count. */
  proof: 'PASSWORD' | 'STEP_UP';
  /** When codes were sent to the new number on this request (newest last). */
  codesIssuedAt: string[];
}

/** More than anyone asks within a code's lifetime; older requests are forgotten and their codes answer OTP_EXPIRED. */
export const REMEMBERED_PHONE_NUMBER_CHANGES = 10;

export function evolvePhoneNumber(state: UserState, event: IdentityEvent): UserState {
  switch (event.type) {
    case 'PhoneNumberChangeRequested': {
      const { sessionId, phoneNumber, familyId, proof } = event.data;
      const pending: PendingPhoneNumberChange = { sessionId, phoneNumber, familyId, proof, codesIssuedAt: [] };
      const kept = [...state.pendingPhoneNumberChanges, pending].slice(-REMEMBERED_PHONE_NUMBER_CHANGES);
      return { ...state, pendingPhoneNumberChanges: kept };
    }
    case 'OtpIssued': {
      if (event.data.purpose !== 'PHONE_NUMBER_CHANGE') return state;
      const { sessionId, issuedAt } = event.data;
      return updatePending(state, sessionId, (pending) => ({
        ...pending,
        codesIssuedAt: [...pending.codesIssuedAt, issuedAt],
      }));
    }
    case 'PhoneNumberChanged': {
      const { phoneNumber, coolingOffUntil } = event.data;
      // The new number is a phone of its own: its SMS budget counts the codes it received, not the old number's.
      const { coolingOffUntil: _previous, ...rest } = state;
      return {
        ...rest,
        phoneNumber,
        phoneVerified: true,
        otpIssuedAt: codesSentTo(state, phoneNumber),
        pendingPhoneNumberChanges: [],
        ...(coolingOffUntil ? { coolingOffUntil } : {}),
      };
    }
    case 'PasswordChanged':
      // A password reset ends whatever the old password (or a thief holding it) had under way.
      return { ...state, pendingPhoneNumberChanges: [] };
    default:
      return state;
  }
}

export function pendingPhoneNumberChangeOf(state: UserState, sessionId: string) {
  return state.pendingPhoneNumberChanges.find((pending) => pending.sessionId === sessionId);
}

/** When codes went to `phoneNumber` on this user's pending changes: the budget a code to that number is held to. */
export function codesSentTo(state: UserState, phoneNumber: string): string[] {
  return state.pendingPhoneNumberChanges
    .filter((pending) => pending.phoneNumber === phoneNumber)
    .flatMap((pending) => pending.codesIssuedAt)
    .sort();
}

/** Why a phone number change's code can no longer be taken or resent, checked before the code itself. */
export function phoneNumberChangeCodeRefusal(state: UserState, sessionId: string, now: string) {
  const pending = pendingPhoneNumberChangeOf(state, sessionId);
  // Forgotten: committed (a change ends every other request), a password reset since, or pushed out by newer ones.
  if (!pending) return 'OTP_EXPIRED' as const;
  if (!familyLive(state, pending.familyId, now)) return 'STEP_UP_SESSION_ENDED' as const;
  return undefined;
}

/** Seconds left of the cooling-off after a phone number change, 0 when none runs. */
export function coolingOffSecondsLeft(state: UserState, now: string): number {
  if (state.coolingOffUntil === undefined) return 0;
  return Math.max(0, Math.ceil((Date.parse(state.coolingOffUntil) - Date.parse(now)) / 1000));
}

function updatePending(
  state: UserState,
  sessionId: string,
  change: (pending: PendingPhoneNumberChange) => PendingPhoneNumberChange,
): UserState {
  return {
    ...state,
    pendingPhoneNumberChanges: state.pendingPhoneNumberChanges.map((pending) =>
      pending.sessionId === sessionId ? change(pending) : pending,
    ),
  };
}
