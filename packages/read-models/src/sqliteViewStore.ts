import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import type { ViewCollection, ViewStore } from './viewStore.ts';

/** Options of {@link createSqliteViewStore}. */
export interface SqliteViewStoreOptions {
  /** Database file, created (with its folder) when missing; `:memory:` works for throwaway stores. */
  path: string;
}

/** Collection and field names end up inside SQL text, so only plain identifiers are allowed. */
const IDENTIFIER = /^[a-z][a-z0-9_]*$/i;

interface Row {
  doc: string;
}

/**
 * A view store in one SQLite file (WAL, so readers in other processes do not
 * block the projector). Each collection is a table `view_<name>` of
 * `(id, position, doc)` with `doc` as JSON text. Table names are
 * case-insensitive in SQLite, so `Users` and `users` are one collection.
 */
export function createSqliteViewStore(options: SqliteViewStoreOptions): ViewStore {
  // A service's first start has no data folder yet; SQLite would refuse to create the file.
  if (options.path !== ':memory:' && options.path !== '') mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  // Safe under WAL: a crash can only drop the latest commits, and checkpoints are written after the views they cover.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  // 32 MiB of page cache (the default is 2 MiB): every request reads a user or a session from anywhere in the views.
  db.pragma('cache_size = -32768');
  // Overwritten and deleted documents are zeroed, not left in free pages: erasure must not leave copies.
  db.pragma('secure_delete = ON');
  return storeOver(db, '');
}

/** Connections whose open batch saw a purge, to run once the batch commits. */
const purgeAfterCommit = new WeakMap<Database.Database, boolean>();

/**
 * Group commit for one connection: the writes made during one turn of the
 * event loop share one transaction, committed when the turn ends; each
 * write's promise settles when that commit has. A commit costs far more than
 * the row it writes, and the projector writes several rows for every event
 * (the user, a session, its checkpoint) from many events at once.
 */
interface GroupWriter {
  write<T>(run: () => T): Promise<T>;
  /** Commits the open group now (before a batch, a purge or closing). */
  flush(): void;
}

const writers = new WeakMap<Database.Database, GroupWriter>();

function groupWriter(db: Database.Database): GroupWriter {
  const known = writers.get(db);
  if (known) return known;
  type Waiter = { settle: (error?: unknown) => void };
  let group: Waiter[] | undefined;

  function flush(): void {
    const waiters = group;
    group = undefined;
    if (!waiters) return;
    let failure: unknown;
    try {
      // A failure SQLite answered by rolling back the whole transaction leaves nothing to commit: every write in it is lost.
      if (!db.inTransaction) throw new Error('the transaction of these view writes was rolled back');
      db.exec('COMMIT');
    } catch (error) {
      failure = error;
      if (db.inTransaction) db.exec('ROLLBACK');
    }
    if (failure === undefined && purgeAfterCommit.get(db)) {
      purgeAfterCommit.delete(db);
      db.pragma('wal_checkpoint(TRUNCATE)');
    }
    for (const waiter of waiters) waiter.settle(failure);
  }

  const writer: GroupWriter = {
    write(run) {
      // Inside a transaction of someone else's (a batch, a promotion): part of it, as before.
      if (db.inTransaction && !group) {
        try {
          return Promise.resolve(run());
        } catch (error) {
          return Promise.reject(error);
        }
      }
      if (!group) {
        try {
          db.exec('BEGIN IMMEDIATE');
        } catch (error) {
          return Promise.reject(error);
        }
        group = [];
        setImmediate(flush);
      }
      const waiters = group;
      let value: ReturnType<typeof run>;
      try {
        value = run();
      } catch (error) {
        // One statement failing undoes only itself; the group goes on.
        return Promise.reject(error);
      }
      return new Promise((resolve, reject) => {
        waiters.push({ settle: (error) => (error === undefined ? resolve(value) : reject(error)) });
      });
    },
    flush,
  };
  writers.set(db, writer);
  return writer;
}

/** Prefixes of the namespaces each store handed out, so promote() accepts only its own. */
const namespacePrefixes = new WeakMap<ViewStore, string>();

function storeOver(db: Database.Database, prefix: string): ViewStore {
  const checkpointTable = `${prefix}checkpoints`;
  db.exec(`CREATE TABLE IF NOT EXISTS "${checkpointTable}" (name TEXT PRIMARY KEY, position INTEGER NOT NULL)`);
  const readCheckpoint = db.prepare<[string], { position: number }>(
    `SELECT position FROM "${checkpointTable}" WHERE name = ?`,
  );
  const writeCheckpoint = db.prepare<[string, number]>(
    `INSERT INTO "${checkpointTable}" (name, position) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET position = excluded.position`,
  );
  const probe = db.prepare('SELECT 1');
  const collections = new Map<string, ViewCollection<object>>();
  const writer = groupWriter(db);

  const collection = <T extends object>(
    name: string,
    collectionOptions: { indexes?: string[] } = {},
  ): ViewCollection<T> => {
    const table = `view_${prefix}${identifier(name, 'collection')}`;
    const known = collections.get(table.toLowerCase());
    if (known === undefined) {
      db.exec(
        `CREATE TABLE IF NOT EXISTS "${table}" (id TEXT PRIMARY KEY, position INTEGER NOT NULL, doc TEXT NOT NULL)`,
      );
    }
    for (const field of collectionOptions.indexes ?? []) {
      db.exec(
        `CREATE INDEX IF NOT EXISTS "${table}_by_${identifier(field, 'field')}" ON "${table}" (${extract(field)})`,
      );
    }
    const opened = known ?? openCollection(db, table, writer);
    collections.set(table.toLowerCase(), opened);
    return opened as ViewCollection<T>;
  };

  const store: ViewStore = {
    readsSeeWritesAtOnce: true,
    commitPending: () => writer.flush(),
    collection,
    getCheckpoint: async (name) => readCheckpoint.get(name)?.position ?? 0,
    setCheckpoint: (name, position) => writer.write(() => void writeCheckpoint.run(name, position)),
    namespace(name) {
      const staging = storeOver(db, `${prefix}${identifier(name, 'collection')}__`);
      namespacePrefixes.set(staging, `${prefix}${name}__`);
      return staging;
    },
    async promote(staging) {
      const stagingPrefix = namespacePrefixes.get(staging);
      if (stagingPrefix === undefined) throw new Error('promote() takes a store made by namespace() on this store');
      writer.flush();
      promoteTables(db, stagingPrefix, prefix);
    },
    async batch(work) {
      // A batch is its own transaction: the writes grouped so far commit first.
      writer.flush();
      // Nested, or inside another batch on this connection: part of that one.
      if (db.inTransaction) return work();
      db.exec('BEGIN');
      let result;
      try {
        result = await work();
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
      db.exec('COMMIT');
      const pending = purgeAfterCommit.get(db);
      purgeAfterCommit.delete(db);
      if (pending) db.pragma('wal_checkpoint(TRUNCATE)');
      return result;
    },
    ping: async () => void probe.get(),
    // The WAL keeps earlier versions of pages until it is checkpointed and emptied; inside a batch, once it commits.
    purge: async () => {
      writer.flush();
      if (db.inTransaction) purgeAfterCommit.set(db, true);
      else db.pragma('wal_checkpoint(TRUNCATE)');
    },
    close: async () => {
      if (!db.open) return;
      writer.flush();
      db.close();
    },
  };
  return store;
}

/** Swaps a namespace's tables and checkpoints in, in one transaction: readers see the old views or the new, never a mix. */
function promoteTables(db: Database.Database, stagingPrefix: string, livePrefix: string): void {
  db.transaction(() => {
    const tables = db
      .prepare<[string], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ? ESCAPE '\\'",
      )
      .all(`view\\_${stagingPrefix.replaceAll('_', '\\_')}%`);
    for (const { name: stagingTable } of tables) {
      const liveTable = `view_${livePrefix}${stagingTable.slice(`view_${stagingPrefix}`.length)}`;
      const indexes = db
        .prepare<[string], { name: string; sql: string | null }>(
          "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?",
        )
        .all(stagingTable);
      db.exec(`DROP TABLE IF EXISTS "${liveTable}"`);
      db.exec(`ALTER TABLE "${stagingTable}" RENAME TO "${liveTable}"`);
      for (const index of indexes) {
        if (!index.sql) continue;
        db.exec(`DROP INDEX "${index.name}"`);
        db.exec(index.sql.replaceAll(stagingTable, liveTable));
      }
    }
    db.exec(
      `INSERT OR REPLACE INTO "${livePrefix}checkpoints" SELECT name, position FROM "${stagingPrefix}checkpoints"`,
    );
    db.exec(`DROP TABLE "${stagingPrefix}checkpoints"`);
  })();
}

function openCollection(db: Database.Database, table: string, writer: GroupWriter): ViewCollection<object> {
  const select = db.prepare<[string], Row>(`SELECT doc FROM "${table}" WHERE id = ?`);
  const upsert = db.prepare<[string, number, string]>(
    `INSERT INTO "${table}" (id, position, doc) VALUES (?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET position = excluded.position, doc = excluded.doc
     WHERE excluded.position > "${table}".position`,
  );
  const remove = db.prepare<[string, number]>(`DELETE FROM "${table}" WHERE id = ? AND position <= ?`);
  // The path stays literal (not bound) so the query matches the expression index.
  const finders = new Map<string, Statement<[string | number, string, string], Row>>();
  const finder = (field: string): Statement<[string | number, string, string], Row> => {
    const known = finders.get(field);
    if (known !== undefined) return known;
    const path = extract(field);
    const statement = db.prepare<[string | number, string, string], Row>(
      `SELECT doc FROM "${table}" WHERE ${path} = ? AND json_type(doc, '$.${field}') IN (?, ?) ORDER BY id`,
    );
    finders.set(field, statement);
    return statement;
  };

  return {
    get: async (id) => {
      const row = select.get(id);
      return row === undefined ? undefined : (JSON.parse(row.doc) as object);
    },
    findBy: async (field, value) => {
      const rows = finder(identifier(field, 'field')).all(...comparable(value));
      return rows.map((row) => JSON.parse(row.doc) as object);
    },
    upsert: (id, document, position) =>
      writer.write(() => upsert.run(id, position, JSON.stringify(document)).changes > 0),
    delete: (id, position) => writer.write(() => remove.run(id, position).changes > 0),
  };
}

function identifier(name: string, kind: 'collection' | 'field'): string {
  if (!IDENTIFIER.test(name)) throw new Error(`invalid ${kind} name: ${JSON.stringify(name)}`);
  return name;
}

/**
 * The bound value and the json_type results it may match. json_extract reads
 * JSON true/false as 1/0, and SQLite compares 1 and 1.0 as equal, so the type
 * check keeps `true` from matching the number 1 (as MongoDB would).
 */
function comparable(value: unknown): [string | number, string, string] {
  if (typeof value === 'string') return [value, 'text', 'text'];
  if (typeof value === 'number') return [value, 'integer', 'real'];
  if (typeof value === 'boolean') return value ? [1, 'true', 'true'] : [0, 'false', 'false'];
  throw new Error(`findBy compares strings, numbers and booleans, not ${value === null ? 'null' : typeof value}`);
}

/** The exact expression indexes are built on; findBy must repeat it verbatim to use them. */
function extract(field: string): string {
  return `json_extract(doc, '$.${field}')`;
}
