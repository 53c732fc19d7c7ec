/** API clients (partners): registration, and a new secret for a known client. */
import { streams } from '@tessera/contracts';
import { decideApiClient, evolveApiClient, type ApiClientState } from '../../domain/apiClient.ts';
import { decideAndAppend } from '../decideAndAppend.ts';
import { replyTo, type CommandHandler, type CommandHandlers } from './commandHandler.ts';

const unregistered = (): ApiClientState => ({ registered: false });

const registerApiClient: CommandHandler<'RegisterApiClient'> = async (command, context) => {
  const { clientId, name, scopes, secretHash, audiences } = command.payload;
  const outcome = await decideAndAppend(
    context.store,
    streams.client(clientId),
    evolveApiClient,
    unregistered,
    (state) => decideApiClient({ clientId, name, scopes, secretHash, ...(audiences ? { audiences } : {}) }, state),
    context.metadataOf(command),
    context.cache,
  );
  return replyTo(outcome, () => ({
    clientId,
    created: outcome.decision.events.some((event) => event.type === 'ApiClientRegistered'),
  }));
};

export const apiClientHandlers: CommandHandlers<'RegisterApiClient'> = { RegisterApiClient: registerApiClient };
