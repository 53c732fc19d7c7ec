/**
 * Records, before anything is shown, that an auditor's credential opened a
 * user's personal data: the log then says who read whom, and when, and its
 * chain and checkpoints vouch for that record like any other event.
 */
import { randomUUID } from 'node:crypto';
import { schemaVersionOf, streams, type EventData } from '@tessera/contracts';
import type { EventStore } from '@tessera/event-store';
import type { AuditorCredential } from './auditorCredential.ts';

export async function recordDisclosure(
  store: EventStore,
  disclosure: { credential: AuditorCredential; userId: string; asOf?: string; at: Date },
): Promise<void> {
  const { credential, userId, asOf, at } = disclosure;
  const data: EventData<'PersonalDataDisclosedToAuditor'> = {
    userId,
    auditor: credential.auditor,
    credentialId: credential.credentialId,
    ...(asOf !== undefined ? { asOf } : {}),
    disclosedAt: at.toISOString(),
  };
  await store.append(
    streams.auditAccess,
    [
      {
        eventId: randomUUID(),
        type: 'PersonalDataDisclosedToAuditor',
        schemaVersion: schemaVersionOf('PersonalDataDisclosedToAuditor'),
        data,
        metadata: { correlationId: randomUUID(), clientId: 'cli', occurredAt: at.toISOString() },
      },
    ],
    { expectedRevision: 'any' },
  );
}
