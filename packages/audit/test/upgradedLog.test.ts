/**
 * A log stored before the chain: verify refuses it until identity has chained
 * it, and once chained under a genesis checkpoint, verify says what that
 * checkpoint vouches for, and what not.
 */
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  CHECKPOINT_EVENT_TYPE,
  CHECKPOINT_STREAM,
  createSqliteEventStore,
  generateAuditKey,
  GENESIS_HASH,
  nextLogHash,
  publicPartOf,
  signCheckpoint,
} from '@tessera/event-store';
import { runAudit } from './fixtures/runAudit.ts';

/** The events table as it was before the chain, with a few events written by plain SQL. */
function writeOldLog(dataDir: string): string {
  const file = path.join(dataDir, 'events.sqlite');
  const db = new Database(file);
  db.exec(`CREATE TABLE events (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_id TEXT NOT NULL, revision INTEGER NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL,
    schema_version INTEGER NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, recorded_at TEXT NOT NULL,
    UNIQUE (stream_id, revision), UNIQUE (event_id))`);
  const insert = db.prepare(
    `INSERT INTO events (stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at)
     VALUES (?, ?, ?, 'OtpVerified', 1, ?, '{"correlationId":"c-1","occurredAt":"2025-06-01T00:00:00.000Z"}', '2025-06-01')`,
  );
  for (let index = 0; index < 6; index += 1) {
    const userId = index % 2 === 0 ? 'even' : 'odd';
    insert.run(`user-${userId}`, Math.floor(index / 2), randomUUID(), JSON.stringify({ userId }));
  }
  db.close();
  return file;
}

t.test('a log stored before the chain is refused until it is chained', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-audit-old-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const file = writeOldLog(dataDir);
  const key = JSON.stringify(publicPartOf(generateAuditKey()));
  const run = await runAudit(['verify', '--public-key', key], { DATA_DIR: dataDir });
  t.equal(run.status, 2);
  t.match(run.stderr, `${file} holds no chain: it was written before the tamper-evident log`);
});

t.test(
  'a log chained on upgrade verifies, and verify says the genesis checkpoint vouches only from then on',
  async (t) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-audit-upgraded-'));
    t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
    writeOldLog(dataDir);
    const auditKey = generateAuditKey();
    writeFileSync(path.join(dataDir, 'audit-key.json'), JSON.stringify(auditKey), { mode: 0o600 });
    // Opening the store chains the old events; identity then signs the genesis checkpoint over them.
    const store = createSqliteEventStore({ path: path.join(dataDir, 'events.sqlite') });
    let logHash = GENESIS_HASH;
    const events = await store.readAll();
    for (const event of events) logHash = nextLogHash(logHash, event.hash);
    const signedAt = '2026-12-01T08:00:00.000Z';
    const genesis = signCheckpoint(auditKey, { position: 6, events: 6, logHash, signedAt, genesis: true });
    const metadata = { correlationId: randomUUID(), occurredAt: signedAt };
    await store.append(CHECKPOINT_STREAM, [
      { eventId: randomUUID(), type: CHECKPOINT_EVENT_TYPE, schemaVersion: 1, data: { ...genesis }, metadata },
    ]);
    await store.append('user-odd', [
      { eventId: randomUUID(), type: 'OtpVerified', schemaVersion: 1, data: { userId: 'odd' }, metadata },
    ]);
    await store.close();

    const run = await runAudit(['verify', '--public-key', JSON.stringify(publicPartOf(auditKey))], {
      DATA_DIR: dataDir,
    });
    t.equal(run.status, 0, run.stdout + run.stderr);
    t.match(
      run.stdout,
      'verified 8 events up to position 8; 1 checkpoint, the last at 6 signed 2026-12-01T08:00:00.000Z',
    );
    t.match(run.stdout, 'unsigned tail of 2 events');
    t.match(
      run.stdout,
      'genesis: the log was chained on upgrade; its genesis checkpoint (position 6, signed 2026-12-01T08:00:00.000Z) vouches the log has not changed since, not that it was whole before',
    );
  },
);
