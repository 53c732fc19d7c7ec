/**
 * The upgrade of an events table stored before events carried hashes
 * (ADR 32): adds the two columns and chains every event in global order, in
 * one transaction, and records that it did so and how far, so that identity
 * signs a genesis checkpoint over the chained log even if the process stops
 * between the upgrade and that checkpoint.
 */
import type Database from 'better-sqlite3';
import { eventHash, GENESIS_HASH } from './chain.ts';

/** Rows read per step: the table may be far larger than memory. */
const pageSize = 1000;

interface LegacyRow {
  position: number;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
}

/** Chains the events table if it lacks the chain's columns; does nothing otherwise. */
export function upgradeChain(db: Database.Database): void {
  if (chainColumnsMissing(db).length === 0) return;
  // IMMEDIATE: another process opening the same old file waits, then finds the columns there.
  db.transaction(() => {
    const missing = chainColumnsMissing(db);
    if (missing.length === 0) return;
    for (const column of missing) db.exec(`ALTER TABLE events ADD COLUMN ${column} TEXT`);
    const { events, lastPosition } = chainEveryEvent(db);
    if (events > 0) {
      db.prepare('INSERT INTO chain_upgrade (up_to_position, events, upgraded_at) VALUES (?, ?, ?)').run(
        lastPosition,
        events,
        new Date().toISOString(),
      );
    }
  }).immediate();
}

function chainColumnsMissing(db: Database.Database): string[] {
  const columns = new Set(
    db
      .prepare<[], { name: string }>('PRAGMA table_info(events)')
      .all()
      .map((c) => c.name),
  );
  return ['hash', 'previous_hash'].filter((column) => !columns.has(column));
}

/**
 * Chains each event to the one before it in its stream, in global order.
 * Holds one hash per stream in memory (some 150 bytes each).
 */
function chainEveryEvent(db: Database.Database): { events: number; lastPosition: number } {
  const page = db.prepare<[number, number], LegacyRow>(
    `SELECT position, stream_id, revision, event_id, type, schema_version, data, metadata
     FROM events WHERE position > ? ORDER BY position LIMIT ?`,
  );
  const update = db.prepare<[string, string, number]>(
    'UPDATE events SET hash = ?, previous_hash = ? WHERE position = ?',
  );
  const lastHashOf = new Map<string, string>();
  let events = 0;
  let lastPosition = 0;
  for (;;) {
    const rows = page.all(lastPosition, pageSize);
    for (const row of rows) {
      const previousHash = lastHashOf.get(row.stream_id) ?? GENESIS_HASH;
      const hash = eventHash({
        streamId: row.stream_id,
        revision: row.revision,
        eventId: row.event_id,
        type: row.type,
        schemaVersion: row.schema_version,
        data: JSON.parse(row.data) as Record<string, unknown>,
        metadata: JSON.parse(row.metadata) as Record<string, unknown>,
        previousHash,
      });
      update.run(hash, previousHash, row.position);
      lastHashOf.set(row.stream_id, hash);
      lastPosition = row.position;
      events += 1;
    }
    if (rows.length < pageSize) return { events, lastPosition };
  }
}
