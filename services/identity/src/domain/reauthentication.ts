/**
 * Proving it is the user again, for an action a live login alone does not
 * authorise (new recovery codes, a new passkey): the password, checked as at
 * login (its lock, and a wrong one counted towards it), or a step-up token for
 * the action, consumed in the same decision.
 */
import type { StepUpActionName } from '@tessera/contracts';
import { passwordRefusal } from './credentialsDecider.ts';
import { accept, type Decision } from './decision.ts';
import type { LoginLockPolicy } from './loginLock.ts';
import { consumeStepUp } from './stepUpDecider.ts';
import type { UserState } from './userState.ts';

/** How the user proved it is them: the password (as checked by the handler), or a step-up token the gateway verified. */
export type Reauthentication =
  | {
      kind: 'PASSWORD';
      /** Always false while login is locked: the handler then checks no real hash. */ passwordMatches: boolean;
      loginLock: LoginLockPolicy;
    }
  | { kind: 'STEP_UP'; stepUpId: string; tokenId: string };

/**
 * The password's refusals are login's; a step-up token's are consuming it, for this action and this client. Accepted,
 * the decision carries the step-up's consumption, to append with what the action records.
 */
export function reauthenticationDecision(
  proof: Reauthentication,
  action: StepUpActionName,
  command: { clientId: string; now: string },
  state: UserState,
): Decision {
  const { now, clientId } = command;
  if (proof.kind === 'PASSWORD') return passwordRefusal(state, proof.passwordMatches, proof.loginLock, now) ?? accept();
  const { stepUpId, tokenId } = proof;
  return consumeStepUp({ type: 'ConsumeStepUp', tokenId, stepUpId, action, clientId, now }, state);
}
