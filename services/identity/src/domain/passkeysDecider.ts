/**
 * Passkeys: a signed-in user registers a WebAuthn credential (the handler has
 * verified its attestation against the challenge it issued), proving it is
 * them again with the password or a MANAGE_PASSKEYS step-up token, and removes
 * one. Using a passkey is the credentials decider's (a challenge's answer).
 */
import { accept, reject, type Decision } from './decision.ts';
import { passkeyOf, type StoredPasskey } from './passkeysState.ts';
import { reauthenticationDecision, type Reauthentication } from './reauthentication.ts';
import { familyOf } from './sessionsState.ts';
import { familyLive } from './stepUpState.ts';
import type { UserCommandRules } from './userDecider.ts';
import type { UserState } from './userState.ts';

/** The live login a user token stands for, through the client that asks. */
interface SignedIn {
  familyId: string;
  clientId: string;
  now: string;
  /** Sealed `{to, locale}` for the "passkey added" or "passkey removed" SMS. */
  sealedNotice?: string;
}

export type PasskeyCommand =
  | ({
      type: 'RegisterPasskey';
      /** The attestation checked out (challenge, origin, relying party, user verification); else nothing is kept. */
      verified: boolean;
      credential: Pick<StoredPasskey, 'credentialId' | 'publicKey' | 'counter' | 'transports'>;
      /** Binding a new authenticator asks the user again: the password, or a step-up token for MANAGE_PASSKEYS. */
      proof: Reauthentication;
    } & SignedIn)
  | ({ type: 'RemovePasskey'; credentialId: string } & SignedIn);

type Command<K extends PasskeyCommand['type']> = Extract<PasskeyCommand, { type: K }>;

export const passkeyRules: UserCommandRules<PasskeyCommand> = {
  // The user token's user is gone (erased): the token stands for nobody, as the gateway would answer.
  RegisterPasskey: { decide: registerPasskey, withoutUser: 'UNAUTHENTICATED' },
  RemovePasskey: { decide: removePasskey, withoutUser: 'UNAUTHENTICATED' },
};

/** A login that ended, or another client's, proves nothing: refused first, as for recovery codes. */
export function signedInRefusal(command: Omit<SignedIn, 'sealedNotice'>, state: UserState): Decision | undefined {
  if (!familyLive(state, command.familyId, command.now)) return reject('UNAUTHENTICATED');
  const loginClient = familyOf(state, command.familyId)?.clientId;
  if (loginClient !== undefined && loginClient !== command.clientId) return reject('UNAUTHENTICATED');
  return undefined;
}

function registerPasskey(command: Command<'RegisterPasskey'>, state: UserState): Decision {
  const refused = signedInRefusal(command, state);
  if (refused) return refused;
  // The password (or the step-up) first: a wrong one counts whatever the browser sent, and a refused attestation
  // after it leaves a step-up token unconsumed, for the user to try again.
  const proven = reauthenticationDecision(command.proof, 'MANAGE_PASSKEYS', command, state);
  if (proven.rejection) return proven;
  if (!command.verified) return reject('PASSKEY_REGISTRATION_INVALID');
  const { credentialId, publicKey, counter, transports } = command.credential;
  if (passkeyOf(state, credentialId)) return reject('PASSKEY_ALREADY_REGISTERED');
  const { userId } = state;
  const { clientId, now: registeredAt, sealedNotice } = command;
  const data = { userId, credentialId, publicKey, counter, transports, clientId, registeredAt };
  const authorisedBy = command.proof.kind;
  return accept(...proven.events, {
    type: 'PasskeyRegistered',
    data: { ...data, authorisedBy, ...(sealedNotice ? { sealedNotice } : {}) },
  });
}

function removePasskey(command: Command<'RemovePasskey'>, state: UserState): Decision {
  const refused = signedInRefusal(command, state);
  if (refused) return refused;
  const passkey = passkeyOf(state, command.credentialId);
  // Another client's passkey is not this client's to name: answered as if it were not there.
  if (!passkey || passkey.clientId !== command.clientId) return reject('PASSKEY_NOT_FOUND');
  const { userId } = state;
  const { sealedNotice } = command;
  return accept({
    type: 'PasskeyRemoved',
    data: {
      userId,
      credentialId: passkey.credentialId,
      removedAt: command.now,
      ...(sealedNotice ? { sealedNotice } : {}),
    },
  });
}
