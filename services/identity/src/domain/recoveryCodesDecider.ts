/**
 * Recovery codes, the fallback that needs no phone (NIST SP 800-63B's look-up
 * secrets): a signed-in user generates a new set with the password again (its
 * login lock and count of wrong passwords, as at login) or with a step-up token
 * for MANAGE_RECOVERY_CODES, consumed in the same decision. Using a code is the
 * credentials decider's (a challenge's answer).
 */
import { passwordRefusal } from './credentialsDecider.ts';
import { accept, reject, type Decision } from './decision.ts';
import type { LoginLockPolicy } from './loginLock.ts';
import { familyOf } from './sessionsState.ts';
import { consumeStepUp } from './stepUpDecider.ts';
import { familyLive } from './stepUpState.ts';
import type { UserCommandRules } from './userDecider.ts';
import type { UserState } from './userState.ts';

/** How the user proved it is them: the password (as checked by the handler), or a step-up token the gateway verified. */
export type RecoveryCodesProof =
  | {
      kind: 'PASSWORD';
      /** Always false while login is locked: the handler then checks no real hash. */ passwordMatches: boolean;
      loginLock: LoginLockPolicy;
    }
  | { kind: 'STEP_UP'; stepUpId: string; tokenId: string };

export type RecoveryCodesCommand = {
  type: 'GenerateRecoveryCodes';
  proof: RecoveryCodesProof;
  /** The login the user token belongs to. */ familyId: string;
  clientId: string;
  /** Keyed hashes of the new codes; the codes themselves never reach the decider. */ codeHashes: string[];
  now: string;
  /** Sealed `{to, locale}` for the "recovery codes generated" SMS. */ sealedNotice?: string;
};

export const recoveryCodeRules: UserCommandRules<RecoveryCodesCommand> = {
  // The user token's user is gone (erased): the token stands for nobody, as the gateway would answer.
  GenerateRecoveryCodes: { decide: generateRecoveryCodes, withoutUser: 'UNAUTHENTICATED' },
};

function generateRecoveryCodes(command: RecoveryCodesCommand, state: UserState): Decision {
  // As for a step-up: a login that ended, or another client's, proves nothing; refused first, counting nothing.
  if (!familyLive(state, command.familyId, command.now)) return reject('UNAUTHENTICATED');
  const loginClient = familyOf(state, command.familyId)?.clientId;
  if (loginClient !== undefined && loginClient !== command.clientId) return reject('UNAUTHENTICATED');
  const proven = proofDecision(command, state);
  if (proven.rejection) return proven;
  const { userId } = state;
  const { codeHashes, now: generatedAt, sealedNotice, proof } = command;
  const authorisedBy = proof.kind;
  const data = { userId, codeHashes, generatedAt, authorisedBy, ...(sealedNotice ? { sealedNotice } : {}) };
  return accept(...proven.events, { type: 'RecoveryCodesGenerated', data });
}

/** The password's refusals are login's; a step-up token's are consuming it, for this action and this client. */
function proofDecision(command: RecoveryCodesCommand, state: UserState): Decision {
  const { proof, now, clientId } = command;
  if (proof.kind === 'PASSWORD') return passwordRefusal(state, proof.passwordMatches, proof.loginLock, now) ?? accept();
  const { stepUpId, tokenId } = proof;
  return consumeStepUp(
    { type: 'ConsumeStepUp', tokenId, stepUpId, action: 'MANAGE_RECOVERY_CODES', clientId, now },
    state,
  );
}
