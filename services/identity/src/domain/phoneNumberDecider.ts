/**
 * Changing the phone number (binding a new SMS authenticator, NIST SP
 * 800-63B): asked from a live login with the password (checked as at login)
 * or a step-up token for CHANGE_PHONE_NUMBER to that very number (consumed in
 * this decision); proven by a code sent to the new number, within that
 * number's SMS budget; committed by that code, when the number could be
 * reserved. The old number is told, other logins end, and for a while
 * step-ups that move money out are refused (SIM-swap defence).
 */
import type { IdentityEvent, StepUpActionName } from '@tessera/contracts';
import { passwordRefusal } from './credentialsDecider.ts';
import type { OtpChallenge } from './credentialsState.ts';
import { accept, reject, type Decision } from './decision.ts';
import type { LoginLockPolicy } from './loginLock.ts';
import { issueWithinBudget, type IssuedOtp, type SmsBudget } from './oneTimeCodes.ts';
import { codesSentTo, coolingOffSecondsLeft, pendingPhoneNumberChangeOf } from './phoneNumberState.ts';
import { familyOf, liveFamilyIds } from './sessionsState.ts';
import { consumeStepUp } from './stepUpDecider.ts';
import { familyLive } from './stepUpState.ts';
import type { UserCommandRules } from './userDecider.ts';
import type { UserState } from './userState.ts';

/** What stands for the password: the password itself, or a step-up token the gateway verified. */
export type PhoneNumberChangeProof =
  | {
      type: 'PASSWORD';
      /** Always false while login is locked. */ passwordMatches: boolean;
      loginLock: LoginLockPolicy;
    }
  | {
      type: 'STEP_UP';
      stepUpId: string;
      tokenId: string;
      /** Of `{destination: the new number}`. */ transactionHash: string;
    };

export type PhoneNumberCommand = {
  type: 'StartPhoneNumberChange';
  /** The id of the new number's challenge. */ sessionId: string;
  /** Normalised E.164. */ phoneNumber: string;
  /** The login the user token belongs to. */ familyId: string;
  clientId: string;
  proof: PhoneNumberChangeProof;
  /** Another user of the client holds the number (read from its reservation stream). */ numberTaken: boolean;
  /** The code, sealed to the new number. */ otp: IssuedOtp;
  now: string;
  smsBudget?: SmsBudget;
};

export const phoneNumberRules: UserCommandRules<PhoneNumberCommand> = {
  StartPhoneNumberChange: { decide: startPhoneNumberChange, withoutUser: 'UNAUTHENTICATED' },
};

/** Step-ups that move money out, or add where it may go: a SIM-swapper's goal, held back after a change. */
export const COOLING_OFF_ACTIONS: readonly StepUpActionName[] = ['WITHDRAW', 'ADD_BENEFICIARY'];

function startPhoneNumberChange(command: PhoneNumberCommand, state: UserState): Decision {
  const { sessionId, phoneNumber, familyId, clientId, proof, now } = command;
  // A login that ended, or another client's, proves nothing: refused first, counting and telling nothing.
  if (!familyLive(state, familyId, now)) return reject('UNAUTHENTICATED');
  const loginClient = familyOf(state, familyId)?.clientId;
  if (loginClient !== undefined && loginClient !== clientId) return reject('UNAUTHENTICATED');
  const proven = proofDecision(command, state);
  if (proven.rejection) return proven;
  // Only after the proof: whether a number is taken is told to no one who merely holds a user token.
  if (phoneNumber === state.phoneNumber) return reject('PHONE_NUMBER_UNCHANGED');
  if (command.numberTaken) return reject('PHONE_NUMBER_TAKEN');
  const { userId } = state;
  const requested: IdentityEvent = {
    type: 'PhoneNumberChangeRequested',
    data: { userId, sessionId, phoneNumber, familyId, clientId, proof: proof.type },
  };
  // The new number is another phone: its budget counts the codes it received, not the current phone's.
  const budgetState = { ...state, otpIssuedAt: codesSentTo(state, phoneNumber) };
  const code = issueWithinBudget(budgetState, sessionId, 'PHONE_NUMBER_CHANGE', command.otp, now, command.smsBudget);
  return accept(...proven.events, requested, code);
}

/** The password as login checks it, or the step-up token consumed here, for this action and this number only. */
function proofDecision({ proof, clientId, now }: PhoneNumberCommand, state: UserState): Decision {
  if (proof.type === 'PASSWORD') return passwordRefusal(state, proof.passwordMatches, proof.loginLock, now) ?? accept();
  const { stepUpId, tokenId, transactionHash } = proof;
  const consume = { type: 'ConsumeStepUp' as const, stepUpId, tokenId, transactionHash, clientId, now };
  return consumeStepUp({ ...consume, action: 'CHANGE_PHONE_NUMBER' }, state);
}

/** What a right code on a phone number change's challenge needs beside the code. */
export interface PhoneNumberChangeCommit {
  sessionId: string;
  now: string;
  /** The handler reserved the new number for this user; false when another user holds it. */
  newNumberReserved?: boolean;
  /** The notice to the number given up, sealed to the notifier. */
  phoneNumberChangedNotice?: string;
  /** How long money-moving step-ups wait after the change; 0 for none. */
  coolingOffSeconds?: number;
}

/**
 * The right code commits the change: the new number (reserved by the handler,
 * else refused, writing nothing), the notice to the old one, the cooling-off,
 * and the end of every other login.
 */
export function phoneNumberChangeCommitted(
  command: PhoneNumberChangeCommit,
  challenge: OtpChallenge,
  state: UserState,
): Decision {
  const pending = pendingPhoneNumberChangeOf(state, command.sessionId);
  if (!pending || challenge.purpose !== 'PHONE_NUMBER_CHANGE') return reject('OTP_INVALID');
  if (!command.newNumberReserved) return reject('PHONE_NUMBER_TAKEN');
  const { userId } = state;
  const { sessionId, now, phoneNumberChangedNotice: sealedNotice, coolingOffSeconds = 0 } = command;
  const coolingOffUntil =
    coolingOffSeconds > 0 ? new Date(Date.parse(now) + coolingOffSeconds * 1000).toISOString() : undefined;
  const events: IdentityEvent[] = [
    { type: 'OtpVerified', data: { userId, sessionId, purpose: 'PHONE_NUMBER_CHANGE' } },
    {
      type: 'PhoneNumberChanged',
      data: {
        userId,
        sessionId,
        phoneNumber: pending.phoneNumber,
        ...(sealedNotice ? { sealedNotice } : {}),
        ...(coolingOffUntil ? { coolingOffUntil } : {}),
      },
    },
  ];
  const others = liveFamilyIds(state).filter((familyId) => familyId !== pending.familyId);
  if (others.length > 0)
    events.push({ type: 'SessionsRevoked', data: { userId, familyIds: others, reason: 'PHONE_NUMBER_CHANGED' } });
  return accept(...events);
}

/**
 * Why a step-up is refused for the cooling-off after a phone number change,
 * asked with the right password: recorded, so that auditors see the attempt
 * a SIM-swapper would make. Undefined when the action may go ahead.
 */
export function coolingOffRefusal(
  state: UserState,
  step: { action: StepUpActionName; familyId: string; clientId: string; now: string },
): Decision | undefined {
  const secondsLeft = coolingOffSecondsLeft(state, step.now);
  if (secondsLeft === 0 || !COOLING_OFF_ACTIONS.includes(step.action) || state.coolingOffUntil === undefined)
    return undefined;
  const { userId, coolingOffUntil } = state;
  const { action, familyId, clientId } = step;
  const refused: IdentityEvent = {
    type: 'StepUpRefused',
    data: { userId, action, reason: 'PHONE_NUMBER_CHANGED', coolingOffUntil, familyId, clientId },
  };
  return reject('STEP_UP_COOLING_OFF', [refused], secondsLeft);
}
