/**
 * How the gateway reaches identity: each command goes to
 * `identity.commands.v1`, keyed so one user's commands stay in order, and the
 * reply is awaited. No reply in time becomes a 503, never a hang. The payload
 * is sealed to identity's key and the reply comes back encrypted for this
 * request alone, so the topic holds no email, phone number or other
 * personal data in clear.
 */
import { randomUUID } from 'node:crypto';
import {
  normaliseEmail,
  topics,
  type CommandResult,
  type IdentityCommand,
  type SealedCommandReply,
  type SealedIdentityCommand,
} from '@tessera/contracts';
import { createSendingChannel, keyedHash } from '@tessera/crypto';
import { RequestTimeoutError, type MessageBus } from '@tessera/messaging';

export interface IdentityClient {
  send(command: IdentityCommand): Promise<CommandResult>;
}

export interface BusIdentityClientOptions {
  timeoutMs: number;
  /** Identity's public command key: payloads are sealed to it. */
  commandPublicKey: Buffer;
  /** Keys the partition key made from an email, so the topic's keys do not show emails either. */
  hashingKey: Buffer;
  onError?: (error: unknown) => void;
}

function partitionKey(command: IdentityCommand, hashingKey: Buffer): string {
  if (command.type === 'RegisterApiClient') return command.payload.clientId;
  if ('userId' in command.payload) return command.payload.userId;
  // Keyed by email: identity resolves it to the user, and one email is one user.
  return keyedHash(hashingKey, 'partition', normaliseEmail(command.payload.email));
}

const isPlainResult = (reply: unknown): reply is CommandResult =>
  typeof reply === 'object' && reply !== null && 'ok' in reply;

export function createBusIdentityClient(bus: MessageBus, options: BusIdentityClientOptions): IdentityClient {
  const channel = createSendingChannel(options.commandPublicKey);
  return {
    async send(command) {
      const { sealed, openReply } = channel.sealRequest(command.payload);
      const wire: SealedIdentityCommand = { type: command.type, metadata: command.metadata, sealed };
      try {
        const reply = await bus.request(
          topics.identityCommands,
          {
            key: partitionKey(command, options.hashingKey),
            value: wire,
            headers: { 'correlation-id': command.metadata.correlationId, 'message-id': randomUUID() },
          },
          { timeoutMs: options.timeoutMs },
        );
        // Identity answers in clear only when it could not open the command (wrong key, malformed).
        if (isPlainResult(reply)) return reply;
        const result = openReply<CommandResult>((reply as Partial<SealedCommandReply>).sealedReply ?? '');
        if (!result) throw new Error("identity's reply does not open with this request's key");
        return result;
      } catch (error) {
        // A timeout or a failure inside identity: either way the caller may retry later.
        if (!(error instanceof RequestTimeoutError)) options.onError?.(error);
        return { ok: false, error: 'DEPENDENCY_UNAVAILABLE' };
      }
    },
  };
}
