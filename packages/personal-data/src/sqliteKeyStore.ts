import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { PersonalDataKeyStore, StoredUserKey } from './keyStore.ts';

interface Row {
  wrapped_key: string | null;
  erased_at: string | null;
}

/**
 * Keys in their own SQLite file, apart from the events. Erasure must leave no
 * copy of a key behind, so this file does not use WAL (a WAL file keeps old
 * page images until it is checkpointed): the rollback journal is deleted at
 * each commit, and `secure_delete` overwrites freed content with zeros.
 */
export function createSqliteKeyStore(options: { path: string }): PersonalDataKeyStore {
  // A service's first start has no data folder yet; SQLite would refuse to create the file.
  if (options.path !== ':memory:' && options.path !== '') mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path);
  db.pragma('journal_mode = DELETE');
  db.pragma('secure_delete = ON');
  db.pragma('busy_timeout = 5000');
  db.exec('CREATE TABLE IF NOT EXISTS user_keys (user_id TEXT PRIMARY KEY, wrapped_key TEXT, erased_at TEXT)');
  const insert = db.prepare<[string, string]>(
    'INSERT INTO user_keys (user_id, wrapped_key) VALUES (?, ?) ON CONFLICT (user_id) DO NOTHING',
  );
  const select = db.prepare<[string], Row>('SELECT wrapped_key, erased_at FROM user_keys WHERE user_id = ?');
  const tombstone = db.prepare<[string, string, string]>(
    'INSERT INTO user_keys (user_id, wrapped_key, erased_at) VALUES (?, NULL, ?) ON CONFLICT (user_id) DO UPDATE SET wrapped_key = NULL, erased_at = COALESCE(erased_at, ?)',
  );
  const read = (userId: string): StoredUserKey | undefined => {
    const row = select.get(userId);
    if (!row) return undefined;
    if (row.erased_at !== null || row.wrapped_key === null) return { status: 'erased', erasedAt: row.erased_at ?? '' };
    return { status: 'active', wrappedKey: row.wrapped_key };
  };
  return {
    async putIfAbsent(userId, wrappedKey) {
      insert.run(userId, wrappedKey);
      const stored = read(userId);
      if (!stored) throw new Error('the key just stored cannot be read back');
      return stored;
    },
    async get(userId) {
      return read(userId);
    },
    async erase(userId, erasedAt) {
      tombstone.run(userId, erasedAt, erasedAt);
    },
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      db.close();
    },
  };
}
