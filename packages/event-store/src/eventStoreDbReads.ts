/**
 * Reads from EventStoreDB: one stream, the global order ($all) without the
 * server's own events, and the position of the last event.
 */
import { BACKWARDS, END, FORWARDS, StreamNotFoundError } from '@eventstore/db-client';
import type { AllStreamResolvedEvent, EventStoreDBClient, Position, ReadPosition } from '@eventstore/db-client';
import type { RecordedEvent } from './eventStore.ts';
import { isSystemEvent, toPortPosition, toReadPosition, toRecordedEvent } from './eventStoreDbMapping.ts';
import type { StoredEvent } from './eventStoreDbMapping.ts';

/** Events per request when reading $all, which also holds system events to skip. */
const pageSize = 500;

/**
 * Events of one stream: from `fromRevision` oldest first, or with `backwards`
 * newest first from the end. A missing stream reads as empty.
 */
export async function readStoredStream(
  client: EventStoreDBClient,
  streamId: string,
  options: { fromRevision: number; maxCount?: number; backwards?: boolean },
): Promise<StoredEvent[]> {
  if (options.maxCount === 0) return [];
  const read = client.readStream(streamId, {
    direction: options.backwards ? BACKWARDS : FORWARDS,
    fromRevision: options.backwards ? END : BigInt(options.fromRevision),
    ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
  });
  try {
    const resolved = await drain(read);
    return resolved.flatMap(({ event }) => (event === undefined ? [] : [event]));
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
}

/** Events of every stream after `after`, in log order, at most `maxCount` of them. */
export async function readAllAfter(
  client: EventStoreDBClient,
  after: number,
  maxCount = Infinity,
): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  let from: ReadPosition = toReadPosition(after);
  // Commit position of the last record looked at; forward reads include the
  // record they start from, so each page begins with one already seen.
  let seen = BigInt(after);
  while (events.length < maxCount) {
    const requested = Math.min(pageSize, maxCount - events.length + 1);
    const page = await drain(client.readAll({ direction: FORWARDS, fromPosition: from, maxCount: requested }));
    let last: Position | undefined;
    for (const { event } of page) {
      if (event === undefined || event.position.commit <= seen) continue;
      seen = event.position.commit;
      last = event.position;
      if (isSystemEvent(event)) continue;
      events.push(toRecordedEvent(event));
      if (events.length >= maxCount) break;
    }
    // A short page is the end of the log; a page with nothing new cannot move on.
    if (page.length < requested || last === undefined) break;
    from = last;
  }
  return events;
}

/** Position of the last event that is not the server's own (0 when there is none). */
export async function readHeadPosition(client: EventStoreDBClient): Promise<number> {
  let from: ReadPosition = END;
  for (;;) {
    const page: AllStreamResolvedEvent[] = await drain(
      client.readAll({ direction: BACKWARDS, fromPosition: from, maxCount: pageSize }),
    );
    for (const { event } of page) {
      if (event !== undefined && !isSystemEvent(event)) return toPortPosition(event.position.commit, event);
    }
    const oldest = page.at(-1)?.event;
    if (page.length < pageSize || oldest === undefined) return 0;
    // Backward reads exclude the record they start from.
    from = oldest.position;
  }
}

/** Every item of a read; reads are bounded by their count, so draining them is safe. */
async function drain<T>(read: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of read) items.push(item);
  return items;
}
