/**
 * Step-up with dynamic linking: a logged-in user confirms one action and its
 * transaction with the password (the login lock bounds it, and a wrong one
 * counts as at login) and an SMS code (verified by the credentials decider,
 * under the same attempt cap, SMS budget and account lock); a payment service
 * then consumes the token once, for that action and transaction only.
 */
import type { StepUpActionName } from '@tessera/contracts';
import { passwordRefusal } from './credentialsDecider.ts';
import { accept, reject, type Decision } from './decision.ts';
import type { LoginLockPolicy } from './loginLock.ts';
import { issueWithinBudget, type IssuedOtp, type SmsBudget } from './oneTimeCodes.ts';
import { coolingOffRefusal } from './phoneNumberDecider.ts';
import { familyOf } from './sessionsState.ts';
import { familyLive, stepUpOf } from './stepUpState.ts';
import type { UserCommandRules } from './userDecider.ts';
import type { UserState } from './userState.ts';

export type StepUpCommand =
  | {
      type: 'StartStepUp';
      /** Always false while login is locked: the handler then checks no real hash. */ passwordMatches: boolean;
      /** The id of the code's challenge. */ stepUpId: string;
      action: StepUpActionName;
      transactionHash?: string;
      /** The canonical transaction JSON. */ transaction?: string;
      /** The login the user token belongs to. */ familyId: string;
      clientId: string;
      /** The code, with the action and transaction sealed into its SMS. */ otp: IssuedOtp;
      now: string;
      smsBudget?: SmsBudget;
      loginLock: LoginLockPolicy;
    }
  | {
      type: 'ConsumeStepUp';
      tokenId: string;
      stepUpId: string;
      action: StepUpActionName;
      transactionHash?: string;
      /** The API client presenting the token. */ clientId: string;
      now: string;
    };

type Command<K extends StepUpCommand['type']> = Extract<StepUpCommand, { type: K }>;

export const stepUpRules: UserCommandRules<StepUpCommand> = {
  // The user token's user is gone (erased): the token stands for nobody, as the gateway would answer.
  StartStepUp: { decide: startStepUp, withoutUser: 'UNAUTHENTICATED' },
  ConsumeStepUp: { decide: consumeStepUp, withoutUser: 'STEP_UP_TOKEN_INVALID' },
};

function startStepUp(command: Command<'StartStepUp'>, state: UserState): Decision {
  // A login that ended, or another client's, proves nothing: refused first, counting and telling nothing.
  if (!familyLive(state, command.familyId, command.now)) return reject('UNAUTHENTICATED');
  const loginClient = familyOf(state, command.familyId)?.clientId;
  if (loginClient !== undefined && loginClient !== command.clientId) return reject('UNAUTHENTICATED');
  const refused = passwordRefusal(state, command.passwordMatches, command.loginLock, command.now);
  if (refused) return refused;
  const coolingOff = coolingOffRefusal(state, command);
  if (coolingOff) return coolingOff;
  const { userId } = state;
  const { stepUpId, action, transactionHash, transaction, familyId, clientId, otp, now, smsBudget } = command;
  const linked = { ...(transactionHash ? { transactionHash } : {}), ...(transaction ? { transaction } : {}) };
  return accept(
    { type: 'StepUpRequested', data: { userId, stepUpId, action, ...linked, familyId, clientId } },
    issueWithinBudget(state, stepUpId, 'STEP_UP', otp, now, smsBudget),
  );
}

/**
 * Each refusal writes nothing: a token presented wrongly stays usable by its rightful holder until it expires.
 * Exported for the rules that take a step-up token in place of the password: they consume it in their own decision.
 */
export function consumeStepUp(command: Command<'ConsumeStepUp'>, state: UserState): Decision {
  const stepUp = stepUpOf(state, command.stepUpId);
  if (!stepUp || stepUp.tokenId === undefined || stepUp.expiresAt === undefined) return reject('STEP_UP_TOKEN_INVALID');
  // RFC 6749 §6's rule for refresh tokens, here too: a token is the asking client's alone.
  if (stepUp.tokenId !== command.tokenId || stepUp.clientId !== command.clientId)
    return reject('STEP_UP_TOKEN_INVALID');
  if (stepUp.consumed) return reject('STEP_UP_TOKEN_ALREADY_USED');
  if (command.now >= stepUp.expiresAt) return reject('STEP_UP_TOKEN_EXPIRED');
  if (stepUp.revoked || state.lockedOut || !familyLive(state, stepUp.familyId, command.now))
    return reject('STEP_UP_TOKEN_REVOKED');
  if (stepUp.action !== command.action) return reject('STEP_UP_ACTION_MISMATCH');
  if (stepUp.transactionHash !== command.transactionHash) return reject('STEP_UP_TRANSACTION_MISMATCH');
  const { userId } = state;
  const { stepUpId, tokenId, clientId } = command;
  return accept({ type: 'StepUpConsumed', data: { userId, stepUpId, tokenId, clientId } });
}
