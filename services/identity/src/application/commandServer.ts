/**
 * Identity's side of request/reply: takes commands from
 * `identity.commands.v1`, checks their shape, handles them and replies. An
 * unexpected failure is logged here and answered as INTERNAL, never with its text.
 */
import { Value } from '@sinclair/typebox/value';
import { IdentityCommand, topics, type CommandResult } from '@tessera/contracts';
import type { Logger } from '@tessera/logging';
import type { Consumer, MessageBus } from '@tessera/messaging';
import type { IdentityService } from './identityService.ts';

export function serveIdentityCommands(bus: MessageBus, service: IdentityService, logger: Logger): Promise<Consumer> {
  return bus.serve(topics.identityCommands, 'identity', async (request): Promise<CommandResult> => {
    if (!Value.Check(IdentityCommand, request.value)) return { ok: false, error: 'VALIDATION_FAILED' };
    const command = request.value;
    try {
      const result = await service.handle(command);
      logger.info({ correlationId: command.metadata.correlationId, command: command.type, outcome: result.ok ? 'ok' : result.error }, 'command handled');
      return result;
    } catch (error) {
      logger.error({ correlationId: command.metadata.correlationId, command: command.type, err: error }, 'command failed');
      return { ok: false, error: 'INTERNAL' };
    }
  });
}
