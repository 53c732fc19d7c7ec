/**
 * The body of one append, run inside a write transaction so that its checks
 * and inserts see no interleaved writer.
 */
import type { AppendResult, EventToAppend, ExpectedRevision } from './eventStore.ts';
import { WrongExpectedRevisionError } from './eventStore.ts';
import type { EventLocation, Statements } from './sqliteSchema.ts';

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

  const lastRevision = statements.lastRevision.get(streamId)?.revision ?? null;
  const actual = lastRevision ?? 'no-stream';
  if (expected !== 'any' && expected !== actual) {
    throw new WrongExpectedRevisionError(streamId, expected, actual);
  }

  const recordedAt = new Date().toISOString();
  let revision = lastRevision ?? -1;
  let position = 0;
  for (const event of events) {
    revision += 1;
    const info = statements.insert.run(
      streamId,
      revision,
      event.eventId,
      event.type,
      event.schemaVersion,
      JSON.stringify(event.data),
      JSON.stringify(event.metadata),
      recordedAt,
    );
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
