import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { BatchCommittingViewStore } from './batchCommittingViewStore.ts';
import { groupCommitOf } from './sqliteGroupCommit.ts';
import { promoteTables } from './sqlitePromote.ts';
import { extract, identifier, openSqliteViewCollection } from './sqliteViewCollection.ts';
import type { ViewCollection, ViewStore } from './viewStore.ts';

/** Options of {@link createSqliteViewStore}. */
export interface SqliteViewStoreOptions {
  /** Database file, created (with its folder) when missing; `:memory:` works for throwaway stores. */
  path: string;
}

/**
 * A view store in one SQLite file (WAL, so readers in other processes do not
 * block the projector). Each collection is a table `view_<name>` of
 * `(id, position, doc)` with `doc` as JSON text. Table names are
 * case-insensitive in SQLite, so `Users` and `users` are one collection.
 * It commits writes in groups (sqliteGroupCommit.ts), so it is a
 * {@link BatchCommittingViewStore}.
 */
export function createSqliteViewStore(options: SqliteViewStoreOptions): BatchCommittingViewStore {
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

/** Prefixes of the namespaces each store handed out, so promote() accepts only its own. */
const namespacePrefixes = new WeakMap<ViewStore, string>();

function storeOver(db: Database.Database, prefix: string): BatchCommittingViewStore {
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
  const writer = groupCommitOf(db);

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
    const opened = known ?? openSqliteViewCollection(db, table, writer);
    collections.set(table.toLowerCase(), opened);
    return opened as ViewCollection<T>;
  };

  return {
    commitPending: () => writer.flush(),
    batch: (work) => writer.batch(work),
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
    ping: async () => void probe.get(),
    purge: async () => writer.purge(),
    close: async () => {
      if (!db.open) return;
      writer.flush();
      db.close();
    },
  };
}
