import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import type { Test } from 'tap';
import { eventStoreContract } from '../src/contract/index.ts';
import { collect, newEvent, newEvents, newStreamId, rejectionOf, waitUntil } from '../src/contract/contractHelpers.ts';
import { createSqliteEventStore } from '../src/index.ts';
import type { EventStore } from '../src/index.ts';

const directory = mkdtempSync(join(tmpdir(), 'event-store-'));
t.teardown(() => rmSync(directory, { recursive: true, force: true }));

let files = 0;
/** A path no other test uses, inside the directory removed at the end. */
function newFile(): string {
  files += 1;
  return join(directory, `events-${files}.db`);
}

/** A store closed when the test ends. */
function open(t: Test, path: string, pollIntervalMs = 20): EventStore {
  const store = createSqliteEventStore({ path, pollIntervalMs });
  t.teardown(() => store.close());
  return store;
}

await eventStoreContract(t, {
  name: 'SQLite event store',
  create: async () => createSqliteEventStore({ path: newFile(), pollIntervalMs: 20 }),
});

t.test('events survive closing and reopening the file', async (t) => {
  const path = newFile();
  const streamId = newStreamId();
  const events = newEvents(3);
  const first = createSqliteEventStore({ path });
  const result = await first.append(streamId, events, { expectedRevision: 'no-stream' });
  const before = await first.readStream(streamId);
  await first.close();

  const reopened = open(t, path);
  t.same(await reopened.readStream(streamId), before, 'the stream reads the same');
  t.equal(await reopened.headPosition(), result.position);
  const next = await reopened.append(streamId, [newEvent()], { expectedRevision: 2 });
  t.ok(next.position > result.position, 'positions continue after the reopened head');
});

t.test('a second store on the same file sees the first one’s appends through its subscription', async (t) => {
  const path = newFile();
  const writer = open(t, path);
  const reader = open(t, path, 20);
  const streamId = newStreamId();
  const collector = collect(t, reader, [streamId], 0);
  await collector.subscription.caughtUp;
  const events = newEvents(3);
  await writer.append(streamId, events, { expectedRevision: 'no-stream' });
  await waitUntil(() => collector.received.length === 3, 'the other connection’s events');
  t.same(
    collector.received.map((event) => event.eventId),
    events.map((event) => event.eventId),
  );
});

t.test('an append through this store wakes its live subscriptions without waiting for the poll', async (t) => {
  const store = open(t, newFile(), 60_000);
  const streamId = newStreamId();
  const collector = collect(t, store, [streamId], 0);
  await collector.subscription.caughtUp;
  await store.append(streamId, newEvents(1), { expectedRevision: 'no-stream' });
  await waitUntil(() => collector.received.length === 1, 'the live event', 1_000);
  t.pass('delivered long before the next poll');
});

t.test('the database file runs in WAL mode', async (t) => {
  const path = newFile();
  open(t, path);
  const db = new Database(path, { readonly: true });
  t.teardown(() => db.close());
  t.equal(db.pragma('journal_mode', { simple: true }), 'wal');
});

t.test('an in-memory store works for quick, throwaway use', async (t) => {
  const store = open(t, ':memory:');
  const streamId = newStreamId();
  await store.append(streamId, newEvents(2), { expectedRevision: 'no-stream' });
  t.equal((await store.readStream(streamId)).length, 2);
});

t.test('an empty batch is refused', async (t) => {
  const store = open(t, newFile());
  const error = await rejectionOf(store.append(newStreamId(), [], { expectedRevision: 'any' }));
  t.match(error, { message: 'cannot append an empty batch' });
});

t.test('an event id already stored in another stream is refused', async (t) => {
  const store = open(t, newFile());
  const [first, second] = [newStreamId(), newStreamId()];
  const event = newEvent();
  await store.append(first, [event], { expectedRevision: 'no-stream' });
  const error = await rejectionOf(store.append(second, [event], { expectedRevision: 'no-stream' }));
  t.match(error, { message: /already stored in stream/ });
  const later = await rejectionOf(store.append(second, [newEvent(), event], { expectedRevision: 'no-stream' }));
  t.match(later, { message: /already stored in stream/ }, 'also when it is not first in the batch');
  t.same(await store.readStream(second), [], 'nothing was written to the second stream');
});

t.test('an event id repeated within one batch is refused', async (t) => {
  const store = open(t, newFile());
  const streamId = newStreamId();
  const event = newEvent();
  const error = await rejectionOf(store.append(streamId, [event, { ...event }], { expectedRevision: 'no-stream' }));
  t.match(error, { message: /appears twice/ });
  t.same(await store.readStream(streamId), []);
});

t.test('closing the store stops its subscriptions and refuses further use', async (t) => {
  const store = createSqliteEventStore({ path: newFile() });
  const collector = collect(t, store, [], 0);
  await collector.subscription.caughtUp;
  await store.close();
  await collector.subscription.stop();
  t.match(await rejectionOf(store.headPosition()), { message: 'event store is closed' });
  t.throws(() => store.subscribeToAll(async () => undefined), { message: 'event store is closed' });
  await store.close();
  t.pass('closing twice is harmless');
});

t.test('caughtUp rejects when the subscription stops before catching up', async (t) => {
  const store = open(t, newFile());
  await store.append(newStreamId(), newEvents(3), { expectedRevision: 'no-stream' });
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const subscription = store.subscribeToAll(() => gate);
  await new Promise((resolve) => setImmediate(resolve));
  const stopped = subscription.stop();
  release();
  await stopped;
  t.equal(subscription.position, 1, 'the event in flight was completed');
  t.match(await rejectionOf(subscription.caughtUp), { message: /before catching up/ });
});

t.test('appends asked for together share one commit, and one refused append leaves the others stored', async (t) => {
  const path = newFile();
  const store = open(t, path);
  const [a, b, c] = [newStreamId(), newStreamId(), newStreamId()];
  await store.append(b, [newEvent()]);
  const outcomes = await Promise.allSettled([
    store.append(a, [newEvent()], { expectedRevision: 'no-stream' }),
    store.append(b, [newEvent()], { expectedRevision: 'no-stream' }), // b already has an event
    store.append(c, newEvents(2), { expectedRevision: 'no-stream' }),
  ]);
  t.same(
    outcomes.map((outcome) => outcome.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  t.match((outcomes[1] as PromiseRejectedResult).reason, { name: 'WrongExpectedRevisionError' });
  t.equal((await store.readStream(a)).length, 1);
  t.equal((await store.readStream(b)).length, 1, 'the refused append wrote nothing');
  t.equal((await store.readStream(c)).length, 2);
  const positions = (await store.readAll()).map((event) => event.position);
  t.same(positions, [1, 2, 3, 4], 'positions stay contiguous: the refused append took none');
});

t.test(
  'of two appends to one stream at the same expected revision in the same turn, exactly one is stored',
  async (t) => {
    const store = open(t, newFile());
    const stream = newStreamId();
    await store.append(stream, [newEvent()]);
    const outcomes = await Promise.allSettled(
      [0, 1, 2].map(() => store.append(stream, [newEvent()], { expectedRevision: 0 })),
    );
    t.equal(outcomes.filter((outcome) => outcome.status === 'fulfilled').length, 1);
    t.equal((await store.readStream(stream)).length, 2);
  },
);

t.test('appends asked for just before close are stored, later ones refused', async (t) => {
  const path = newFile();
  const store = createSqliteEventStore({ path });
  const stream = newStreamId();
  const stored = store.append(stream, [newEvent()]);
  await store.close();
  t.match(await stored, { position: 1 });
  await t.rejects(store.append(stream, [newEvent()]), /closed/);
  const reopened = open(t, path);
  t.equal((await reopened.readStream(stream)).length, 1);
});

t.test('a stream read to its end is read again in full once another connection appends to it', async (t) => {
  const path = newFile();
  const mine = createSqliteEventStore({ path });
  const theirs = createSqliteEventStore({ path });
  t.teardown(async () => {
    await mine.close();
    await theirs.close();
  });
  const streamId = newStreamId('shared');
  const event = (type: string) => newEvent(type);

  await mine.append(streamId, [event('First')]);
  t.same(
    (await mine.readStream(streamId, { fromRevision: 1 })).map((e) => e.type),
    [],
    'nothing past what this store appended',
  );
  await theirs.append(streamId, [event('Second')]);
  t.same(
    (await mine.readStream(streamId, { fromRevision: 1 })).map((e) => e.type),
    ['Second'],
    "the other connection's append is seen",
  );
  await mine.append(streamId, [event('Third')], { expectedRevision: 1 });
  t.same(
    (await theirs.readStream(streamId)).map((e) => e.type),
    ['First', 'Second', 'Third'],
    'and the other way round',
  );

  const empty = newStreamId('empty');
  t.same(await mine.readStream(empty), [], 'an unknown stream reads as empty');
  await theirs.append(empty, [event('Created')]);
  t.same(
    (await mine.readStream(empty)).map((e) => e.type),
    ['Created'],
    'and is read once another connection creates it',
  );
});
