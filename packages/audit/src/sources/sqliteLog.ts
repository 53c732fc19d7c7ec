/**
 * The SQLite event store read directly and read-only, in one read
 * transaction: the events, their chain and SQLite's record of the highest
 * position it ever gave (`sqlite_sequence`), all from the same snapshot, so a
 * writer appending meanwhile cannot look like a cut tail.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { CHECKPOINT_EVENT_TYPE, CHECKPOINT_STREAM } from '@tessera/event-store';
import { UsageError } from '../subcommand.ts';
import { checkpointOf, UnreadableEventError, type LogSource, type LoggedEvent } from './logSource.ts';

interface ChainedRow {
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

const COLUMNS =
  'position, stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at, hash, previous_hash';

export function openSqliteLog(file: string): LogSource {
  if (!existsSync(file)) {
    throw new UsageError(`no event store at ${file}: set DATA_DIR to the data folder, or EVENTSTORE_URL`);
  }
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('events')").all();
    const names = new Set(columns.map((column) => column.name));
    if (!names.has('hash') || !names.has('previous_hash')) {
      throw new UsageError(
        `${file} holds no chain: it was written before the tamper-evident log; start identity once to chain it`,
      );
    }
    db.exec('BEGIN');
    const sequence = db
      .prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'events'")
      .get()?.seq;
    return {
      description: `the SQLite event store ${file}`,
      async checkpoints() {
        const rows = db
          .prepare<[string, string], ChainedRow>(
            `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND type = ? ORDER BY position`,
          )
          .all(CHECKPOINT_STREAM, CHECKPOINT_EVENT_TYPE);
        return rows.map((row) => checkpointOf(toLoggedEvent(row))!);
      },
      async *events(after) {
        const rows = db
          .prepare<[number], ChainedRow>(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position`)
          .iterate(after);
        for (const row of rows) yield toLoggedEvent(row);
      },
      highestAssignedPosition: () => sequence,
      async close() {
        if (db.inTransaction) db.exec('COMMIT');
        db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}

function toLoggedEvent(row: ChainedRow): LoggedEvent {
  const parse = (text: string, name: string) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new UnreadableEventError(row.position, row.stream_id, `its ${name} is not JSON`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new UnreadableEventError(row.position, row.stream_id, `its ${name} is not a JSON object`);
    }
    return value as Record<string, unknown>;
  };
  return {
    position: row.position,
    streamId: row.stream_id,
    revision: row.revision,
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    recordedAt: row.recorded_at,
    data: parse(row.data, 'data'),
    metadata: parse(row.metadata, 'metadata'),
    hash: row.hash ?? undefined,
    previousHash: row.previous_hash ?? undefined,
  };
}
