/**
 * The checkpointer signs the log every so many events, on demand and on a
 * clean stop, never over nothing new; its checkpoints verify with the audit
 * public key, from the store and from the topic; it resumes after a restart;
 * and a log chained on upgrade gets a genesis checkpoint.
 */
import t, { type Test } from 'tap';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  CHECKPOINT_STREAM,
  createLogVerifier,
  createSqliteEventStore,
  generateAuditKey,
  publicPartOf,
  type EventStore,
  type RecordedEvent,
  type SignedCheckpoint,
} from '@tessera/event-store';
import { createLogger } from '@tessera/logging';
import { topics, type EventMessageValue } from '@tessera/contracts';
import { createInProcessBus } from '@tessera/messaging';
import { eventually } from '@tessera/testing';
import { createFileCheckpointStore, startCheckpointer, startRelay, type CheckpointerOptions } from '../src/index.ts';

const key = generateAuditKey();
const logger = createLogger('checkpointer', { level: 'silent' });

const event = (userId: string) => ({
  eventId: randomUUID(),
  type: 'PhoneNumberVerified',
  schemaVersion: 1,
  data: { userId },
  metadata: { correlationId: 'c-1', occurredAt: '2026-12-07T05:00:00.000Z' },
});

function newStore(t: Test, file = 'events.sqlite'): { store: EventStore; file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'checkpointer-'));
  const store = createSqliteEventStore({ path: path.join(dir, file), pollIntervalMs: 20 });
  t.teardown(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { store, file: path.join(dir, file) };
}

/** Appends `count` events, one append each, over a few users. */
async function appendEvents(store: EventStore, count: number): Promise<void> {
  for (let index = 0; index < count; index += 1) await store.append(`user-${index % 3}`, [event(`u${index % 3}`)]);
}

const start = (store: EventStore, options: Partial<CheckpointerOptions> = {}) =>
  startCheckpointer({ eventStore: store, key, logger, everyEvents: 10, everySeconds: 3600, ...options });

const checkpointsIn = async (store: EventStore) =>
  (await store.readStream(CHECKPOINT_STREAM)).map((stored) => stored.data as unknown as SignedCheckpoint);

/** The whole log through the verifier, trusting the audit key's public part. */
async function verify(store: EventStore) {
  const verifier = createLogVerifier({ trustedKeys: [publicPartOf(key)] });
  for (const stored of await store.readAll()) verifier.add(stored);
  return verifier.finish();
}

/** How many events other than checkpoints the log holds up to `position`. */
const countedUpTo = (log: RecordedEvent[], position: number) =>
  log.filter((stored) => stored.position <= position && stored.streamId !== CHECKPOINT_STREAM).length;

t.test('a log of 35 events is signed after every 10, then over the last 5 on stop, and verifies', async (t) => {
  const { store } = newStore(t);
  await appendEvents(store, 35);
  const checkpointer = await start(store);
  await checkpointer.caughtUp;
  await checkpointer.stop();

  const log = await store.readAll();
  const checkpoints = await checkpointsIn(store);
  t.same(
    checkpoints.map((checkpoint) => countedUpTo(log, checkpoint.position)),
    [10, 20, 30, 35],
    'a checkpoint after each 10 events, and one over the rest on stop',
  );
  t.ok(
    checkpoints.every((checkpoint) => checkpoint.keyId === key.keyId && checkpoint.genesis === undefined),
    'signed with the audit key; a log written with its chain has no genesis checkpoint',
  );
  const report = await verify(store);
  t.equal(report.break, undefined, 'the log verifies with the public key');
  t.equal(report.checkpoints, 4);
  t.equal(report.unsignedTail, 1, 'only the last checkpoint itself is after the last signed point');
});

t.test('a checkpoint is signed on demand over what is new, and never over checkpoints alone', async (t) => {
  const { store } = newStore(t);
  await appendEvents(store, 3);
  const checkpointer = await start(store, { everyEvents: 100 });
  t.teardown(() => checkpointer.stop());
  await checkpointer.caughtUp;
  const first = await checkpointer.checkpoint();
  t.match(first, { events: 3, position: 3 }, 'the three events are signed');
  await eventually('the checkpoint to be followed', async () => (await store.headPosition()) === 4);
  await eventually('the checkpointer to follow it', async () => (await checkpointer.checkpoint()) === undefined);
  t.equal((await checkpointsIn(store)).length, 1, 'a quiet log is not checkpointed again');
  await store.append('user-9', [event('u9')]);
  const second = await eventually('a checkpoint over the new event', () => checkpointer.checkpoint());
  t.match(second, { events: 5, position: 5 }, 'the next one covers the checkpoint and the new event');
});

t.test('a clean stop signs every event stored before it, even those not yet followed', async (t) => {
  const { store } = newStore(t);
  const checkpointer = await start(store, { everyEvents: 100 });
  await checkpointer.caughtUp;
  await appendEvents(store, 3);
  await checkpointer.stop();
  t.match(await checkpointsIn(store), [{ position: 3, events: 3 }], 'one checkpoint, over all three');
  t.equal((await verify(store)).unsignedTail, 1, 'nothing but the checkpoint itself is unsigned');
});

t.test('a restarted checkpointer resumes after the last checkpoint', async (t) => {
  const { store } = newStore(t);
  await appendEvents(store, 12);
  const first = await start(store);
  await first.caughtUp;
  await first.stop();
  const resumedFrom: Array<number | undefined> = [];
  const watched: EventStore = {
    ...store,
    readChain: (options) => {
      resumedFrom.push(options.after);
      return store.readChain!(options);
    },
  };
  const lastBefore = (await checkpointsIn(store)).at(-1)!;
  await appendEvents(store, 12);
  const second = await start(watched);
  await second.caughtUp;
  await second.stop();

  t.equal(resumedFrom[0], lastBefore.position, 'it follows the log from the last checkpoint, not from the start');
  const log = await store.readAll();
  t.same(
    (await checkpointsIn(store)).map((checkpoint) => countedUpTo(log, checkpoint.position)),
    [10, 12, 22, 24],
    'the count goes on across the restart',
  );
  t.equal((await verify(store)).break, undefined, 'and the log verifies');
});

t.test('a last checkpoint that does not verify is not resumed from: the log is followed from its start', async (t) => {
  const { store, file } = newStore(t);
  await appendEvents(store, 10);
  const first = await start(store);
  await first.caughtUp;
  await first.stop();
  // Someone with the database at hand moves the last checkpoint's log hash, which its signature no longer covers.
  const db = new Database(file);
  db.prepare(
    `UPDATE events SET data = json_set(data, '$.logHash', ?) WHERE stream_id = ? AND type = 'LogCheckpointSigned'`,
  ).run('ab'.repeat(32), CHECKPOINT_STREAM);
  db.close();
  const resumedFrom: Array<number | undefined> = [];
  const watched: EventStore = {
    ...store,
    readChain: (options) => {
      resumedFrom.push(options.after);
      return store.readChain!(options);
    },
  };
  const second = await start(watched);
  await second.caughtUp;
  await second.stop();
  t.equal(resumedFrom[0], 0, 'followed from the start');
});

t.test('of two checkpointers on one log, only one writes each checkpoint', async (t) => {
  const { store } = newStore(t);
  const [one, two] = [await start(store), await start(store)];
  await appendEvents(store, 10);
  await eventually('a checkpoint', async () => (await checkpointsIn(store)).length > 0);
  await one.stop();
  await two.stop();
  const log = await store.readAll();
  const counted = (await checkpointsIn(store)).map((checkpoint) => countedUpTo(log, checkpoint.position));
  t.equal(counted.filter((count) => count === 10).length, 1, 'the tenth event is signed once');
  t.equal((await verify(store)).break, undefined, 'the log verifies');
});

t.test('checkpoints reach the topic like every event, and a consumer verifies what it received', async (t) => {
  const { store, file } = newStore(t);
  const bus = createInProcessBus();
  const received: EventMessageValue[] = [];
  await bus.subscribe(topics.identityEvents, 'auditor', async (message) => {
    received.push(message.value as EventMessageValue);
  });
  const relayCheckpoints = createFileCheckpointStore(`${file}.relay.json`);
  const relay = await startRelay({ eventStore: store, bus, checkpoints: relayCheckpoints, logger });
  const checkpointer = await start(store);
  await appendEvents(store, 25);
  await checkpointer.stop();
  const head = await store.headPosition();
  await eventually('every event on the topic', () => received.some((value) => value.position === head));
  await relay.stop();

  const checkpointMessages = received.filter((value) => value.type === 'LogCheckpointSigned');
  t.equal(checkpointMessages.length, 3, 'after 10 and 20 events, and on stop');
  t.ok(
    checkpointMessages.every((value) => value.streamId === CHECKPOINT_STREAM),
    'on stream audit-log',
  );
  const verifier = createLogVerifier({ trustedKeys: [publicPartOf(key)] });
  for (const value of [...received].sort((a, b) => a.position - b.position)) verifier.add(value);
  const report = verifier.finish();
  t.equal(report.break, undefined, 'what arrived verifies with the public key');
  t.equal(report.checkpoints, 3);
});

t.test('a log chained on upgrade gets a genesis checkpoint as soon as it is read', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'checkpointer-upgrade-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'events.sqlite');
  const old = new Database(file);
  old.exec(`CREATE TABLE events (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_id TEXT NOT NULL, revision INTEGER NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL,
    schema_version INTEGER NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, recorded_at TEXT NOT NULL,
    UNIQUE (stream_id, revision), UNIQUE (event_id))`);
  const insert = old.prepare(
    `INSERT INTO events (stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at)
     VALUES (?, ?, ?, 'PhoneNumberVerified', 1, ?, '{"correlationId":"c-0"}', '2026-01-01T00:00:00.000Z')`,
  );
  for (let index = 0; index < 4; index += 1) insert.run('user-old', index, randomUUID(), '{"userId":"old"}');
  old.close();

  const store = createSqliteEventStore({ path: file });
  t.teardown(() => store.close());
  const checkpointer = await start(store, { everyEvents: 1000 });
  await checkpointer.caughtUp;
  t.match(await checkpointsIn(store), [{ genesis: true, position: 4, events: 4 }], 'a genesis checkpoint over them');
  await store.append('user-new', [event('new')]);
  await eventually('the genesis checkpoint to be followed', async () => (await store.headPosition()) === 6);
  await checkpointer.stop();
  const checkpoints = await checkpointsIn(store);
  t.equal(checkpoints.length, 2);
  t.equal(checkpoints[1]?.genesis, undefined, 'later checkpoints are not genesis ones');
  const report = await verify(store);
  t.equal(report.break, undefined, 'the upgraded log verifies from its genesis checkpoint');
});
