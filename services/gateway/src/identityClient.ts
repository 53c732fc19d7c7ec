/**
 * How the gateway reaches identity: each command goes to
 * `identity.commands.v1`, keyed so one user's commands stay in order, and the
 * reply is awaited. No reply in time becomes a 503, never a hang.
 */
import { randomUUID } from 'node:crypto';
import { topics, type CommandResult, type IdentityCommand } from '@tessera/contracts';
import { RequestTimeoutError, type MessageBus } from '@tessera/messaging';

export interface IdentityClient {
  send(command: IdentityCommand): Promise<CommandResult>;
}

function partitionKey(command: IdentityCommand): string {
  if (command.type === 'RegisterApiClient') return command.payload.clientId;
  if (command.type === 'RecordSmsOutcome' || command.type === 'Logout') return command.payload.userId;
  // Keyed by email: identity resolves it to the user, and one email is one user.
  return command.payload.email.trim().toLowerCase();
}

export function createBusIdentityClient(bus: MessageBus, options: { timeoutMs: number; onError?: (error: unknown) => void }): IdentityClient {
  return {
    async send(command) {
      try {
        return (await bus.request(
          topics.identityCommands,
          { key: partitionKey(command), value: command, headers: { 'correlation-id': command.metadata.correlationId, 'message-id': randomUUID() } },
          { timeoutMs: options.timeoutMs },
        )) as CommandResult;
      } catch (error) {
        // A timeout or a failure inside identity: either way the caller may retry later.
        if (!(error instanceof RequestTimeoutError)) options.onError?.(error);
        return { ok: false, error: 'DEPENDENCY_UNAVAILABLE' };
      }
    },
  };
}
