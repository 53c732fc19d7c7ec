/**
 * Identity's side of request/reply: takes commands from
 * `identity.commands.v1`, opens their sealed payload, checks their shape,
 * handles them and replies encrypted under the request's own reply key. An
 * unexpected failure is logged here and answered as INTERNAL, never with its text.
 */
import { Value } from '@sinclair/typebox/value';
import {
  consumerGroups,
  IdentityCommand,
  SealedIdentityCommand,
  topics,
  type CommandResult,
  type SealedCommandReply,
} from '@tessera/contracts';
import { createReceivingChannel, type BoxKeyPair, type ReceivingChannel } from '@tessera/crypto';
import type { Logger } from '@tessera/logging';
import type { Consumer, MessageBus } from '@tessera/messaging';
import type { IdentityService } from './identityService.ts';

/** Commands without personal data that internal services may send unsealed. */
const PLAIN_COMMANDS = new Set(['RecordSmsOutcome']);

function openCommand(
  value: unknown,
  channel: ReceivingChannel,
): { command: IdentityCommand; sealReply?: (result: CommandResult) => string } | undefined {
  if (Value.Check(SealedIdentityCommand, value)) {
    const opened = channel.open<unknown>(value.sealed);
    if (!opened) return undefined;
    const command: unknown = { type: value.type, metadata: value.metadata, payload: opened.value };
    return Value.Check(IdentityCommand, command) ? { command, sealReply: opened.sealReply } : undefined;
  }
  if (Value.Check(IdentityCommand, value) && PLAIN_COMMANDS.has(value.type)) return { command: value };
  return undefined;
}

export function serveIdentityCommands(
  bus: MessageBus,
  service: IdentityService,
  logger: Logger,
  keyPair: BoxKeyPair,
): Promise<Consumer> {
  const channel = createReceivingChannel(keyPair);
  return bus.serve(
    topics.identityCommands,
    consumerGroups.identityCommands,
    async (request): Promise<CommandResult | SealedCommandReply> => {
      const opened = openCommand(request.value, channel);
      if (!opened) return { ok: false, error: 'VALIDATION_FAILED' };
      const { command, sealReply } = opened;
      const seal = (result: CommandResult) => (sealReply ? { sealedReply: sealReply(result) } : result);
      try {
        const result = await service.handle(command);
        logger.info(
          {
            correlationId: command.metadata.correlationId,
            command: command.type,
            outcome: result.ok ? 'ok' : result.error,
          },
          'command handled',
        );
        return seal(result);
      } catch (error) {
        logger.error(
          { correlationId: command.metadata.correlationId, command: command.type, err: error },
          'command failed',
        );
        return seal({ ok: false, error: 'INTERNAL' });
      }
    },
  );
}
