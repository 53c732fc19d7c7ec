/**
 * Identity's command port. Each command type has its handler (handlers/, one
 * file per feature, joined in handlers/index.ts); every handler works with one
 * context made here once.
 */
import type { CommandResult, IdentityCommand } from '@tessera/contracts';
import { createCommandContext } from './commandContext.ts';
import type { CommandHandler } from './handlers/commandHandler.ts';
import { commandHandlers } from './handlers/index.ts';
import type { IdentityDependencies } from './identityConfig.ts';

export interface IdentityService {
  handle(command: IdentityCommand): Promise<CommandResult>;
}

export function createIdentityService(deps: IdentityDependencies): IdentityService {
  const context = createCommandContext(deps);
  return {
    handle(command) {
      const handler = commandHandlers[command.type] as CommandHandler<IdentityCommand['type']>;
      return handler(command, context);
    },
  };
}
