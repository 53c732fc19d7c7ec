import { randomUUID } from 'node:crypto';
import { topics, type CommandResult, type IdentityCommand } from '@tessera/contracts';
import type { MessageBus } from '@tessera/messaging';
import type { SmsOutcome } from './smsOutcomes.ts';

/** How long a record waits for identity's answer before it is tried again. */
const RECORD_TIMEOUT_MS = 10_000;

/** Records an SMS outcome in the user's stream, through identity (the only writer). */
export function recordOutcomesThrough(bus: MessageBus): (userId: string, outcome: SmsOutcome) => Promise<void> {
  return async (userId, outcome) => {
    const command: IdentityCommand = {
      type: 'RecordSmsOutcome',
      metadata: { correlationId: randomUUID(), clientId: 'notifier' },
      payload: { userId, outcome },
    };
    const result = (await bus.request(
      topics.identityCommands,
      { key: userId, value: command, headers: {} },
      { timeoutMs: RECORD_TIMEOUT_MS },
    )) as CommandResult;
    // Thrown, the message is delivered again and the ledger resumes at this step.
    if (!result.ok) throw new Error(`identity did not record the SMS outcome: ${result.error}`);
  };
}
