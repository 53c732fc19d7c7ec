/** The passkeys part of a user's state: each registered credential's public key, counter and transports. Pure. */
import type { IdentityEvent } from '@tessera/contracts';
import type { UserState } from './userState.ts';

export interface StoredPasskey {
  credentialId: string;
  /** COSE public key, base64url. */
  publicKey: string;
  /** The greatest signature counter seen so far. */
  counter: number;
  transports: string[];
  /** The API client whose relying party the credential belongs to. */
  clientId: string;
  registeredAt: string;
}

/** What the handler found on verifying an assertion against a stored credential's key, challenge and origins. */
export interface PasskeyAssertion {
  credentialId: string;
  /** The signature, challenge, origin, relying party and user verification all checked out. */
  verified: boolean;
  /** The counter the authenticator signed. */
  counter: number;
}

export function evolvePasskeys(state: UserState, event: IdentityEvent): UserState {
  switch (event.type) {
    case 'PasskeyRegistered': {
      const { credentialId, publicKey, counter, transports, clientId, registeredAt } = event.data;
      const passkey = { credentialId, publicKey, counter, transports: [...transports], clientId, registeredAt };
      return { ...state, passkeys: [...state.passkeys, passkey] };
    }
    case 'PasskeyUsed': {
      const { credentialId, counter } = event.data;
      const passkeys = state.passkeys.map((passkey) =>
        passkey.credentialId === credentialId ? { ...passkey, counter } : passkey,
      );
      return { ...state, passkeys };
    }
    case 'PasskeyRemoved':
      return {
        ...state,
        passkeys: state.passkeys.filter((passkey) => passkey.credentialId !== event.data.credentialId),
      };
    default:
      return state;
  }
}

export function passkeyOf(state: UserState, credentialId: string): StoredPasskey | undefined {
  return state.passkeys.find((passkey) => passkey.credentialId === credentialId);
}

/**
 * Whether an assertion answers a challenge: verified, by a passkey of this user registered through this client,
 * and with a counter greater than the last one seen. A counter that does not grow (both 0 excepted: authenticators
 * that keep none) means a cloned authenticator or a replay, and counts as a wrong answer.
 */
export function passkeyAssertionRight(
  state: UserState,
  assertion: PasskeyAssertion | undefined,
  clientId: string,
): boolean {
  if (!assertion?.verified) return false;
  const passkey = passkeyOf(state, assertion.credentialId);
  if (!passkey || passkey.clientId !== clientId) return false;
  return assertion.counter > passkey.counter || (assertion.counter === 0 && passkey.counter === 0);
}
