/**
 * Recovery codes, the fallback that needs no phone (NIST SP 800-63B's look-up
 * secrets): a signed-in user generates a new set with the password again (its
 * login lock and count of wrong passwords, as at login) or with a step-up token
 * for MANAGE_RECOVERY_CODES, consumed in the same decision. Using a code is the
 * credentials decider's (a challenge's answer).
 */
import { accept, reject, type Decision } from './decision.ts';
import { reauthenticationDecision, type Reauthentication } from './reauthentication.ts';
import { familyOf } from './sessionsState.ts';
import { familyLive } from './stepUpState.ts';
import type { UserCommandRules } from './userDecider.ts';
import type { UserState } from './userState.ts';

/** How the user proved it is them: the password again, or a step-up token for MANAGE_RECOVERY_CODES. */
export type RecoveryCodesProof = Reauthentication;

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
  const proven = reauthenticationDecision(command.proof, 'MANAGE_RECOVERY_CODES', command, state);
  if (proven.rejection) return proven;
  const { userId } = state;
  const { codeHashes, now: generatedAt, sealedNotice, proof } = command;
  const authorisedBy = proof.kind;
  const data = { userId, codeHashes, generatedAt, authorisedBy, ...(sealedNotice ? { sealedNotice } : {}) };
  return accept(...proven.events, { type: 'RecoveryCodesGenerated', data });
}
