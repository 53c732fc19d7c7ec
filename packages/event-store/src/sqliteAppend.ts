/**
 * The body of one append, run inside a write transaction so that its checks
 * and inserts see no interleaved writer.
 */
import type { AppendResult, EventToAppend, ExpectedRevision } from './eventStore.ts';
import { WrongExpectedRevisionError } from './eventStore.ts';
import type { EventLocation, Statements } from './sqliteSchema.ts';
import { eventHash, GENESIS_HASH } from './chain.ts';

/**
 * Appends `events` to `streamId` unless the batch was already stored.
 * @throws WrongExpectedRevisionError when the stream is not as expected.
 * @throws Error when an event id is reused, in the batch or from another stream.
 */
export function appendInTransaction(
  statements: Statements,
  streamId: string,
  events: EventToAppend[],
  expected: ExpectedRevision,
): AppendResult {
  const first = events[0];
  if (first === undefined) throw new Error('cannot append an empty batch');

  // A retried batch (its first id already in this stream) succeeds with the
  // original outcome whatever it expects, since the first attempt already
  // changed the stream it was checked against.
  const original = statements.locateEvent.get(first.eventId);
  if (original?.stream_id === streamId) return originalResult(statements, original, events);

  const seen = new Set<string>();
  for (const { eventId } of events) {
    if (seen.has(eventId)) throw new Error(`event id ${eventId} appears twice in the batch for stream ${streamId}`);
    seen.add(eventId);
    const stored = statements.locateEvent.get(eventId);
    if (stored !== undefined) {
      throw new Error(
        `event id ${eventId} is already stored in stream ${stored.stream_id}; cannot append it to ${streamId}`,
      );
    }
  }

  // The revision check and the chain's last link in one read, inside the write transaction: no fork.
  const last = statements.lastEvent.get(streamId);
  const actual = last?.revision ?? 'no-stream';
  if (expected !== 'any' && expected !== actual) {
    throw new WrongExpectedRevisionError(streamId, expected, actual);
  }

  const recordedAt = new Date().toISOString();
  let revision = last?.revision ?? -1;
  // A stream whose last event lost its hash (edited by hand) is chained on from an empty link: still a break.
  let previousHash = last === undefined ? GENESIS_HASH : (last.hash ?? '');
  let position = 0;
  for (const event of events) {
    revision += 1;
    const data = JSON.stringify(event.data);
    const metadata = JSON.stringify(event.metadata);
    const hash = storedEventHash(streamId, revision, event, data, metadata, previousHash);
    const info = statements.insert.run(
      streamId,
      revision,
      event.eventId,
      event.type,
      event.schemaVersion,
      data,
      metadata,
      recordedAt,
      hash,
      previousHash,
    );
    previousHash = hash;
    position = Number(info.lastInsertRowid);
  }
  return { nextExpectedRevision: revision, position };
}

/**
 * The result the first append of this batch returned, from its last event
 * still found in the stream (batches are stored contiguously).
 */
function originalResult(statements: Statements, first: EventLocation, events: EventToAppend[]): AppendResult {
  let last = first;
  for (const { eventId } of events.slice(1)) {
    const stored = statements.locateEvent.get(eventId);
    if (stored?.stream_id === first.stream_id && stored.revision > last.revision) last = stored;
  }
  return { nextExpectedRevision: last.revision, position: last.position };
}

/**
 * The hash of an event as stored: its data and metadata as they read back from
 * their stored JSON (a Date becomes its string, an undefined field goes), so
 * that whoever reads the row computes the same hash.
 */
function storedEventHash(
  streamId: string,
  revision: number,
  event: EventToAppend,
  data: string,
  metadata: string,
  previousHash: string,
): string {
  return eventHash({
    streamId,
    revision,
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: JSON.parse(data) as Record<string, unknown>,
    metadata: JSON.parse(metadata) as Record<string, unknown>,
    previousHash,
  });
}
