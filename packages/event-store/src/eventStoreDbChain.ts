/**
 * The chain on EventStoreDB (ADR 32): each event's link is computed before the
 * append from the stream's last event, and kept in the event's metadata
 * envelope under `$chain`; the append then expects exactly that last event's
 * revision, so a concurrent writer makes it conflict instead of forking the chain.
 */
import type { EventData, EventStoreDBClient } from '@eventstore/db-client';
import { eventHash, GENESIS_HASH } from './chain.ts';
import type { EventToAppend } from './eventStore.ts';
import { chainLinkOf, toEventData } from './eventStoreDbMapping.ts';
import type { StoredEvent } from './eventStoreDbMapping.ts';
import { readStoredStream } from './eventStoreDbReads.ts';

/** The batch as stored, each event chained to the one before it, the first to `previousHash` at `firstRevision`. */
export function chainedBatch(
  streamId: string,
  events: EventToAppend[],
  firstRevision: number,
  previousHash: string,
): EventData[] {
  let previous = previousHash;
  return events.map((event, index) => {
    const hash = eventHash({
      streamId,
      revision: firstRevision + index,
      eventId: event.eventId,
      type: event.type,
      schemaVersion: event.schemaVersion,
      // As they read back from the stored JSON, so that a reader computes the same hash.
      data: JSON.parse(JSON.stringify(event.data)) as Record<string, unknown>,
      metadata: JSON.parse(JSON.stringify(event.metadata)) as Record<string, unknown>,
      previousHash: previous,
    });
    const link = { hash, previousHash: previous };
    previous = hash;
    return toEventData(event, link);
  });
}

/**
 * The hash the next event of the stream names: its last event's, computed on
 * the fly (the stream chained from its start) when that event was stored
 * before the chain existed.
 */
export async function lastHashOf(
  client: EventStoreDBClient,
  streamId: string,
  last: StoredEvent | undefined,
): Promise<string> {
  if (last === undefined) return GENESIS_HASH;
  const link = chainLinkOf(last);
  if (link !== undefined) return link.hash;
  let previous = GENESIS_HASH;
  const stream = await readStoredStream(client, streamId, { fromRevision: 0, maxCount: Number(last.revision) + 1 });
  for (const stored of stream) previous = chainLinkOf(stored)?.hash ?? legacyHash(stored, previous);
  return previous;
}

/** The hash of an event stored before the chain, as if it had been chained to `previousHash`. */
function legacyHash(stored: StoredEvent, previousHash: string): string {
  const envelope = stored.metadata as { schemaVersion: number; metadata: Record<string, unknown> };
  return eventHash({
    streamId: stored.streamId,
    revision: Number(stored.revision),
    eventId: stored.id,
    type: stored.type,
    schemaVersion: envelope.schemaVersion,
    data: stored.data as Record<string, unknown>,
    metadata: envelope.metadata,
    previousHash,
  });
}
