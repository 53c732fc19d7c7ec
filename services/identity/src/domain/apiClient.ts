/**
 * API clients (partners) as a stream each: registration and secret rotation.
 * The secret is never here, only its hash.
 */
import type { IdentityEvent } from '@tessera/contracts';
import { accept, type Decision } from './decision.ts';

export interface ApiClientState {
  registered: boolean;
  secretHash?: string;
}

export function evolveApiClient(state: ApiClientState, event: IdentityEvent): ApiClientState {
  if (event.type === 'ApiClientRegistered') return { registered: true, secretHash: event.data.secretHash };
  if (event.type === 'ApiClientSecretRotated') return { ...state, secretHash: event.data.secretHash };
  return state;
}

export interface RegisterApiClientCommand {
  clientId: string;
  name: string;
  scopes: string[];
  secretHash: string;
  /** Resources the client's tokens may name beside the gateway's own; kept only when the client is new. */
  audiences?: string[];
}

/** Registering an existing client with a new secret rotates it; with the same secret, nothing changes. */
export function decideApiClient(command: RegisterApiClientCommand, state: ApiClientState): Decision {
  const { clientId, name, scopes, secretHash, audiences } = command;
  if (!state.registered) {
    const data = { clientId, name, scopes, secretHash, ...(audiences?.length ? { audiences } : {}) };
    return accept({ type: 'ApiClientRegistered', data });
  }
  if (state.secretHash === secretHash) return accept();
  return accept({ type: 'ApiClientSecretRotated', data: { clientId, secretHash } });
}
