/**
 * Contract for appends: expected revisions, idempotent retries, concurrency
 * and faithful storage of what was appended.
 */
import type { Test } from 'tap';
import { WrongExpectedRevisionError } from '../eventStore.ts';
import type { EventToAppend } from '../eventStore.ts';
import { idsOf, newEvent, newEvents, newStreamId, openStore, rejectionOf } from './contractHelpers.ts';
import type { CreateStore } from './contractHelpers.ts';

/** Registers the append tests on `t`. */
export function appendContract(t: Test, create: CreateStore): void {
  noStreamCases(t, create);
  expectedRevisionCases(t, create);
  retryCases(t, create);
  concurrencyCases(t, create);
  roundTripCases(t, create);
}

/** Expecting no stream: the first writer starts the stream, a second is refused. */
function noStreamCases(t: Test, create: CreateStore): void {
  t.test('appending to a new stream expecting no stream starts it at revision 0', async (t) => {
    const store = await openStore(t, create);
    const streamId = newStreamId();
    const head = await store.headPosition();
    const result = await store.append(streamId, newEvents(3), { expectedRevision: 'no-stream' });
    t.equal(result.nextExpectedRevision, 2, 'the last of three events has revision 2');
    t.ok(result.position > head, 'the batch is positioned after the previous head');
    const stored = await store.readStream(streamId);
    t.same(
      stored.map((event) => event.revision),
      [0, 1, 2],
    );
    t.equal(stored.at(-1)?.position, result.position, 'the result carries the position of the last event');
  });

  t.test('a second writer expecting no stream is refused', async (t) => {
    const store = await openStore(t, create);
    const streamId = newStreamId();
    await store.append(streamId, newEvents(2), { expectedRevision: 'no-stream' });
    const error = await rejectionOf(store.append(streamId, [newEvent()], { expectedRevision: 'no-stream' }));
    t.ok(error instanceof WrongExpectedRevisionError, 'the error is a WrongExpectedRevisionError');
    t.match(error, { streamId, expected: 'no-stream', actual: 1 });
    t.equal((await store.readStream(streamId)).length, 2, 'nothing was written');
  });
}

/** Expecting a revision: the exact one, a stale one, one of a missing stream, or any. */
function expectedRevisionCases(t: Test, create: CreateStore): void {
  t.test('an append expecting the exact last revision succeeds', async (t) => {
    const store = await openStore(t, create);
    const streamId = newStreamId();
    const first = await store.append(streamId, newEvents(2), { expectedRevision: 'no-stream' });
    const second = await store.append(streamId, newEvents(1), { expectedRevision: first.nextExpectedRevision });
    t.equal(second.nextExpectedRevision, 2);
    t.ok(second.position > first.position, 'later appends get later positions');
  });

  t.test('an append expecting a stale revision is refused with the actual revision', async (t) => {
    const store = await openStore(t, create);
    const streamId = newStreamId();
    await store.append(streamId, newEvents(3), { expectedRevision: 'no-stream' });
    const error = await rejectionOf(store.append(streamId, [newEvent()], { expectedRevision: 0 }));
    t.ok(error instanceof WrongExpectedRevisionError, 'the error is a WrongExpectedRevisionError');
    t.match(error, { streamId, expected: 0, actual: 2 });
    t.equal((await store.readStream(streamId)).length, 3, 'nothing was written');
  });

  t.test('an append expecting a revision of a missing stream is refused with no-stream', async (t) => {
    const store = await openStore(t, create);
    const streamId = newStreamId();
    const error = await rejectionOf(store.append(streamId, [newEvent()], { expectedRevision: 0 }));
    t.ok(error instanceof WrongExpectedRevisionError, 'the error is a WrongExpectedRevisionError');
    t.match(error, { streamId, expected: 0, actual: 'no-stream' });
    t.same(await store.readStream(streamId), [], 'the stream was not created');
  });

  t.test('an append expecting any revision succeeds on new and existing streams', async (t) => {
    const store = await openStore(t, create);
    const streamId = newStreamId();
    const created = await store.append(streamId, newEvents(1), { expectedRevision: 'any' });
    t.equal(created.nextExpectedRevision, 0);
    const extended = await store.append(streamId, newEvents(2), { expectedRevision: 'any' });
    t.equal(extended.nextExpectedRevision, 2);
  });
}

/** Idempotent retries: a batch appended again returns its first outcome and stores nothing. */
function retryCases(t: Test, create: CreateStore): void {
  t.test('appending the same batch twice stores one copy and returns the same result', async (t) => {
    const store = await openStore(t, create);
    const streamId = newStreamId();
    const batch = newEvents(3);
    const first = await store.append(streamId, batch, { expectedRevision: 'no-stream' });
    // The retry expects what the first attempt expected, which is no longer true.
    const retry = await store.append(streamId, batch, { expectedRevision: 'no-stream' });
    t.same(retry, first, 'the retry reports the original outcome');
    t.same(idsOf(await store.readStream(streamId)), idsOf(batch), 'each event is stored once');
  });

  t.test('a retried batch after later appends still returns its original result', async (t) => {
    const store = await openStore(t, create);
    const streamId = newStreamId();
    const batch = newEvents(2);
    const first = await store.append(streamId, batch, { expectedRevision: 'no-stream' });
    await store.append(streamId, newEvents(2), { expectedRevision: first.nextExpectedRevision });
    t.same(await store.append(streamId, batch, { expectedRevision: 'any' }), first);
    t.equal((await store.readStream(streamId)).length, 4, 'the retry wrote nothing');
  });
}

/** Concurrent writers racing for one stream. */
function concurrencyCases(t: Test, create: CreateStore): void {
  t.test('of 20 concurrent writers expecting no stream exactly one succeeds', async (t) => {
    const store = await openStore(t, create);
    const streamId = newStreamId();
    const batches = Array.from({ length: 20 }, () => newEvents(2));
    const outcomes = await Promise.allSettled(
      batches.map((batch) => store.append(streamId, batch, { expectedRevision: 'no-stream' })),
    );
    const winners = outcomes.flatMap((outcome, index) => (outcome.status === 'fulfilled' ? [index] : []));
    t.equal(winners.length, 1, 'one writer wins');
    const refusals = outcomes.filter((outcome) => outcome.status === 'rejected');
    t.ok(
      refusals.every((outcome) => outcome.reason instanceof WrongExpectedRevisionError),
      'every other writer is refused with WrongExpectedRevisionError',
    );
    const winner = batches[winners[0] ?? -1] ?? [];
    t.same(idsOf(await store.readStream(streamId)), idsOf(winner), 'only the winning batch is stored');
  });
}

/** What is appended reads back exactly. */
function roundTripCases(t: Test, create: CreateStore): void {
  t.test('data and metadata round-trip exactly', async (t) => {
    const store = await openStore(t, create);
    const streamId = newStreamId();
    const event: EventToAppend = {
      eventId: newEvent().eventId,
      type: 'Contract.RoundTripped',
      schemaVersion: 7,
      data: {
        text: 'Zoë 🚀 "quoted" \\ back\nslash',
        integer: -42,
        fraction: 0.1,
        large: Number.MAX_SAFE_INTEGER,
        flag: false,
        nothing: null,
        list: [1, 'two', { three: [3] }, []],
        nested: { deeper: { deepest: true }, empty: {} },
      },
      metadata: { correlationId: newEvent().eventId, causationId: null, actor: { kind: 'user', id: 'u-1' } },
    };
    await store.append(streamId, [event], { expectedRevision: 'no-stream' });
    const [stored] = await store.readStream(streamId);
    const { eventId, type, schemaVersion, data, metadata } = stored ?? {};
    t.strictSame({ eventId, type, schemaVersion, data, metadata }, event, 'the event reads back exactly as appended');
    t.equal(stored?.streamId, streamId);
    t.ok(!Number.isNaN(Date.parse(stored?.recordedAt ?? '')), 'recordedAt is a parseable time');
  });
}
