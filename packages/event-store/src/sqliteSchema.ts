/**
 * Table layout, connection settings and prepared statements of the SQLite
 * event store.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { RecordedEvent } from './eventStore.ts';
import { upgradeChain } from './sqliteChainUpgrade.ts';

// AUTOINCREMENT keeps positions from ever being reused, even after the
// highest row is deleted by hand, so checkpoints held by readers stay valid.
// `hash` and `previous_hash` are the chain (ADR 32); `chain_upgrade` records
// the one upgrade that chained a log stored before them, for its genesis checkpoint.
const schema = `
CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  stream_id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  type TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  data TEXT NOT NULL,
  metadata TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  hash TEXT,
  previous_hash TEXT,
  UNIQUE (stream_id, revision),
  UNIQUE (event_id)
);
CREATE TABLE IF NOT EXISTS chain_upgrade (
  up_to_position INTEGER NOT NULL,
  events INTEGER NOT NULL,
  upgraded_at TEXT NOT NULL
)`;

/** A row of the events table as SQLite returns it. */
export interface EventRow {
  position: number;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
  recorded_at: string;
  hash: string | null;
  previous_hash: string | null;
}

/** Where an event id is stored. */
export interface EventLocation {
  stream_id: string;
  revision: number;
  position: number;
}

/** Opens (creating it and its folder if needed) an events database tuned for one writer at a time across processes. */
export function openEventsDatabase(path: string, busyTimeoutMs: number): Database.Database {
  // A service's first start has no data folder yet; SQLite would refuse to create the file.
  if (path !== ':memory:' && path !== '') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    // Set first so that switching to WAL and creating the table wait for
    // another process holding the lock instead of failing with SQLITE_BUSY.
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    db.pragma('journal_mode = WAL');
    // In WAL mode NORMAL cannot corrupt the database; a power loss may only
    // drop the last commits, which is the accepted trade for write latency.
    db.pragma('synchronous = NORMAL');
    // 32 MiB of page cache (the default is 2 MiB): commands read streams all over the index, and a miss is a read from the file.
    db.pragma('cache_size = -32768');
    db.exec(schema);
    upgradeChain(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Every statement the store runs, prepared once per connection. */
export function prepareStatements(db: Database.Database) {
  return {
    // The stream's last event with its hash, in one look at the (stream_id, revision) index.
    lastEvent: db.prepare<[string], { revision: number; hash: string | null }>(
      'SELECT revision, hash FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1',
    ),
    locateEvent: db.prepare<[string], EventLocation>(
      'SELECT stream_id, revision, position FROM events WHERE event_id = ?',
    ),
    insert: db.prepare<[string, number, string, string, number, string, string, string, string, string]>(
      `INSERT INTO events (stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at, hash, previous_hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    // A negative LIMIT means no limit in SQLite, which keeps one statement for both cases.
    readStream: db.prepare<[string, number, number], EventRow>(
      'SELECT * FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?',
    ),
    readAll: db.prepare<[number, number], EventRow>(
      'SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?',
    ),
    readChain: db.prepare<
      [string, number, number],
      { position: number; stream_id: string; revision: number; type: string; hash: string | null; data: string | null }
    >(
      `SELECT position, stream_id, revision, type, hash, CASE WHEN stream_id = ? THEN data END AS data
       FROM events WHERE position > ? ORDER BY position LIMIT ?`,
    ),
    head: db.prepare<[], { position: number }>('SELECT COALESCE(MAX(position), 0) AS position FROM events'),
    chainUpgrade: db.prepare<[], { up_to_position: number; events: number; upgraded_at: string }>(
      'SELECT up_to_position, events, upgraded_at FROM chain_upgrade ORDER BY up_to_position DESC LIMIT 1',
    ),
  };
}

/** The prepared statements of one connection. */
export type Statements = ReturnType<typeof prepareStatements>;

/** Maps a stored row back to the port's shape. */
export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    streamId: row.stream_id,
    revision: row.revision,
    position: row.position,
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: JSON.parse(row.data) as Record<string, unknown>,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    recordedAt: row.recorded_at,
    // An emptied column reads as an unchained event, which a verifier reports as such.
    hash: row.hash ?? '',
    previousHash: row.previous_hash ?? '',
  };
}
