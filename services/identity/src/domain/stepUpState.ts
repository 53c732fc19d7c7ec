/**
 * The step-up part of a user's state: the latest step-ups, each with the
 * action and transaction it confirms, the login it was asked from, and its
 * token once the code was right. Pure: no I/O, no clock.
 */
import type { ErrorName, IdentityEvent, StepUpActionName } from '@tessera/contracts';
import { familyOf } from './sessionsState.ts';
import type { UserState } from './userState.ts';

export interface StepUp {
  stepUpId: string;
  action: StepUpActionName;
  transactionHash?: string;
  /** The canonical transaction, for a resent code's SMS; personal data, as the phone number is. */
  transaction?: string;
  /** The login it was asked from: ending it revokes the step-up. */
  familyId: string;
  /** The API client that asked: the only one that may consume the token. */
  clientId: string;
  /** Set by the right code: the token's id and when it expires. */
  tokenId?: string;
  expiresAt?: string;
  consumed: boolean;
  /** The password changed since it was asked: its token no longer stands for the user. */
  revoked: boolean;
}

/** Far more than a user confirms within a token's few minutes; older step-ups are forgotten. */
export const REMEMBERED_STEP_UPS = 20;

export function evolveStepUps(state: UserState, event: IdentityEvent): UserState {
  switch (event.type) {
    case 'StepUpRequested': {
      const { userId: _userId, ...requested } = event.data;
      const stepUp: StepUp = { ...requested, consumed: false, revoked: false };
      return { ...state, stepUps: [...state.stepUps, stepUp].slice(-REMEMBERED_STEP_UPS) };
    }
    case 'StepUpCompleted':
      return updateStepUp(state, event.data.stepUpId, {
        tokenId: event.data.tokenId,
        expiresAt: event.data.expiresAt,
      });
    case 'StepUpConsumed':
      return updateStepUp(state, event.data.stepUpId, { consumed: true });
    // A new password or a new number: what was confirmed before it is not spent after it (a SIM swap's first move).
    case 'PasswordChanged':
    case 'PhoneNumberChanged':
      return { ...state, stepUps: state.stepUps.map((stepUp) => ({ ...stepUp, revoked: true })) };
    default:
      return state;
  }
}

export function stepUpOf(state: UserState, stepUpId: string): StepUp | undefined {
  return state.stepUps.find((stepUp) => stepUp.stepUpId === stepUpId);
}

/** Why a step-up's code can no longer be taken or resent, checked before the code itself; undefined when it can. */
export function stepUpCodeRefusal(state: UserState, stepUpId: string, now: string): ErrorName | undefined {
  const stepUp = stepUpOf(state, stepUpId);
  // Forgotten: twenty newer step-ups were asked since, within a code's lifetime.
  if (!stepUp) return 'OTP_EXPIRED';
  if (stepUp.revoked || !familyLive(state, stepUp.familyId, now)) return 'STEP_UP_SESSION_ENDED';
  return undefined;
}

/** The login has not been logged out, revoked (reuse, password change) or outlived. */
export function familyLive(state: UserState, familyId: string, now: string): boolean {
  const family = familyOf(state, familyId);
  return family !== undefined && !family.revoked && now < family.expiresAt;
}

function updateStepUp(state: UserState, stepUpId: string, change: Partial<StepUp>): UserState {
  return {
    ...state,
    stepUps: state.stepUps.map((stepUp) => (stepUp.stepUpId === stepUpId ? { ...stepUp, ...change } : stepUp)),
  };
}
