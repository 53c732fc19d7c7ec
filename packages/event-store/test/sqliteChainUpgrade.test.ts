import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { createLogVerifier, createSqliteEventStore, GENESIS_HASH } from '../src/index.ts';

const directory = mkdtempSync(join(tmpdir(), 'event-store-upgrade-'));
t.teardown(() => rmSync(directory, { recursive: true, force: true }));

/** The events table as it was before the chain, with `count` events over two streams written by plain SQL. */
function writeOldLog(path: string, count: number): void {
  const db = new Database(path);
  db.exec(`CREATE TABLE events (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_id TEXT NOT NULL, revision INTEGER NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL,
    schema_version INTEGER NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, recorded_at TEXT NOT NULL,
    UNIQUE (stream_id, revision), UNIQUE (event_id))`);
  const insert = db.prepare(
    `INSERT INTO events (stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at)
     VALUES (?, ?, ?, 'UserRegistered', 1, ?, '{"correlationId":"c-1","occurredAt":"2026-01-01T00:00:00.000Z"}', ?)`,
  );
  db.transaction(() => {
    for (let index = 0; index < count; index += 1) {
      const stream = index % 2 === 0 ? 'user-even' : 'user-odd';
      insert.run(stream, Math.floor(index / 2), randomUUID(), JSON.stringify({ userId: stream, index }), '2026-01-01');
    }
  })();
  db.close();
}

t.test('opening a log stored before the chain chains every event and records the upgrade', async (t) => {
  const path = join(directory, 'old.sqlite');
  writeOldLog(path, 2501);
  const store = createSqliteEventStore({ path });
  t.teardown(() => store.close());

  const events = await store.readAll();
  t.equal(events.length, 2501, 'every event is still there');
  const verifier = createLogVerifier({ trustedKeys: [] });
  for (const event of events) verifier.add(event);
  const report = verifier.finish();
  t.equal(report.break, undefined, 'the chained log verifies');
  t.same(
    (await store.readStream('user-odd', { maxCount: 1 })).map((event) => event.previousHash),
    [GENESIS_HASH],
    "each stream's first event names the genesis hash",
  );
  t.match(
    await store.chainUpgrade!(),
    { upToPosition: 2501, events: 2501, upgradedAt: String },
    'the upgrade is on record',
  );

  await store.append('user-even', [{ eventId: randomUUID(), type: 'Later', schemaVersion: 1, data: {}, metadata: {} }]);
  const [later] = await store.readStream('user-even', { fromRevision: 1251 });
  t.equal(later?.previousHash, events.at(-1)?.hash, 'new events chain on from the upgraded ones');
});

t.test('the upgrade runs once: reopening changes nothing', async (t) => {
  const path = join(directory, 'twice.sqlite');
  writeOldLog(path, 10);
  const first = createSqliteEventStore({ path });
  const before = await first.readAll();
  const upgrade = await first.chainUpgrade!();
  await first.close();
  const again = createSqliteEventStore({ path });
  t.teardown(() => again.close());
  t.same(await again.readAll(), before, 'the same hashes');
  t.same(await again.chainUpgrade!(), upgrade, 'one upgrade on record');
});

t.test('a new log, and an old one with no events, record no upgrade', async (t) => {
  const empty = join(directory, 'empty-old.sqlite');
  writeOldLog(empty, 0);
  for (const path of [join(directory, 'new.sqlite'), empty]) {
    const store = createSqliteEventStore({ path });
    t.equal(await store.chainUpgrade!(), undefined);
    await store.close();
  }
});
