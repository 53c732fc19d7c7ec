/**
 * Appends to EventStoreDB with the port's guarantees: optimistic concurrency,
 * a retried batch (its first id already in the stream) answered with the
 * original result whatever it expects, and each event chained to its stream's
 * last one (eventStoreDbChain.ts).
 */
import { NO_STREAM, WrongExpectedVersionError } from '@eventstore/db-client';
import type { AppendExpectedRevision, CurrentRevision, EventData, EventStoreDBClient } from '@eventstore/db-client';
import type { AppendResult, EventToAppend, ExpectedRevision } from './eventStore.ts';
import { WrongExpectedRevisionError } from './eventStore.ts';
import { chainedBatch, lastHashOf } from './eventStoreDbChain.ts';
import { assertValidBatch, toActualRevision, toExpectedRevision, toPortPosition } from './eventStoreDbMapping.ts';
import type { StoredEvent } from './eventStoreDbMapping.ts';
import { readStoredStream } from './eventStoreDbReads.ts';

/**
 * How many of a stream's latest events are searched for a retried batch. The
 * server has no index by event id, so an older batch retried after this many
 * later events is not recognised here (the server's own check still answers
 * a retry that expects the revision the batch was first appended at).
 */
const retryWindow = 100;

/**
 * How many times an 'any' append is tried, each expecting the revision it just
 * read (the chain needs its exact predecessor): a second loss to another
 * writer is reported as a conflict rather than risk a fork.
 */
const maxAnyAttempts = 2;

/**
 * Appends `events` to `streamId` unless the batch is already there, chained
 * to the stream's last event.
 * @throws WrongExpectedRevisionError when the stream is not as expected (for 'any': when other writers won twice).
 */
export async function appendToEventStoreDb(
  client: EventStoreDBClient,
  streamId: string,
  events: EventToAppend[],
  expected: ExpectedRevision,
): Promise<AppendResult> {
  assertValidBatch(streamId, events);
  for (let attempt = 1; ; attempt += 1) {
    let target = toExpectedRevision(expected);
    // A stream expected not to exist cannot hold the batch yet; the server
    // itself answers a retry made with the same expectation as a success.
    const tail = expected === 'no-stream' ? [] : await readTail(client, streamId);
    const original = originalResult(tail, events);
    if (original !== undefined) return original;
    // 'any' is pinned to the revision just read: the chain links to that
    // event, and a copy of the batch appended meanwhile by a concurrent retry
    // makes this one conflict instead of being stored twice.
    if (expected === 'any') target = currentRevision(tail);
    const last = tail[0];
    const previousHash = await lastHashOf(client, streamId, last);
    const data = chainedBatch(streamId, events, last === undefined ? 0 : Number(last.revision) + 1, previousHash);
    const outcome = await tryAppend(client, streamId, data, target);
    if ('revision' in outcome) return appendedResult(client, streamId, outcome.revision, events);
    if (expected === 'any' && attempt < maxAnyAttempts) continue;
    // The conflict may come from this very batch, stored by an earlier attempt.
    const stored = originalResult(await readTail(client, streamId), events);
    if (stored !== undefined) return stored;
    throw new WrongExpectedRevisionError(streamId, expected, toActualRevision(outcome.conflict));
  }
}

/** The stream's revision after the append, or its revision when it conflicted. */
async function tryAppend(
  client: EventStoreDBClient,
  streamId: string,
  data: EventData[],
  expectedRevision: AppendExpectedRevision,
): Promise<{ revision: bigint } | { conflict: CurrentRevision }> {
  try {
    const result = await client.appendToStream(streamId, data, { expectedRevision });
    if (result.success) return { revision: result.nextExpectedRevision };
    // Connections opened with throwOnAppendFailure=false report a conflict
    // here, with -1 for a missing stream.
    return { conflict: result.nextExpectedRevision < 0n ? NO_STREAM : result.nextExpectedRevision };
  } catch (error) {
    if (error instanceof WrongExpectedVersionError) return { conflict: error.actualVersion };
    throw error;
  }
}

/** The stream's latest events, newest first. */
function readTail(client: EventStoreDBClient, streamId: string): Promise<StoredEvent[]> {
  return readStoredStream(client, streamId, { fromRevision: 0, maxCount: retryWindow, backwards: true });
}

function currentRevision(tail: StoredEvent[]): AppendExpectedRevision {
  return tail[0]?.revision ?? NO_STREAM;
}

/**
 * The result the first append of this batch returned, if its first event is
 * among `tail` (newest first): the batch's last event still in the stream,
 * since a batch is stored contiguously.
 */
function originalResult(tail: StoredEvent[], events: EventToAppend[]): AppendResult | undefined {
  const index = tail.findIndex((stored) => stored.id === events[0]?.eventId);
  let last = tail[index];
  if (last === undefined) return undefined;
  const ids = new Set(events.map((event) => event.eventId));
  for (let offset = 1; offset < events.length; offset += 1) {
    const stored = tail[index - offset];
    if (stored !== undefined && ids.has(stored.id)) last = stored;
  }
  return { nextExpectedRevision: Number(last.revision), position: toPortPosition(last.position?.commit, last) };
}

/**
 * The result of a successful append, from the batch's last event as stored:
 * the server's reply carries no per-event position, and an append it judged
 * a repeat reports the stream rather than the batch.
 */
async function appendedResult(
  client: EventStoreDBClient,
  streamId: string,
  revision: bigint,
  events: EventToAppend[],
): Promise<AppendResult> {
  const [stored] = await readStoredStream(client, streamId, { fromRevision: Number(revision), maxCount: 1 });
  if (stored !== undefined && stored.id === events.at(-1)?.eventId) {
    return { nextExpectedRevision: Number(revision), position: toPortPosition(stored.position?.commit, stored) };
  }
  const original = originalResult(await readTail(client, streamId), events);
  if (original !== undefined) return original;
  throw new Error(`stream ${streamId}: the server accepted the batch but it is not in the stream's latest events`);
}
