import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createSqliteKeyStore } from '../src/index.ts';
import { keyStoreContract } from '../src/contract/index.ts';

const dir = t.testdir();
const file = path.join(dir, 'keys.sqlite');

await keyStoreContract(t, { name: 'SQLite', create: async () => createSqliteKeyStore({ path: file }) });

t.test('SQLite: after erasure the key bytes are nowhere in the database directory', async (t) => {
  const own = path.join(t.testdir(), 'keys.sqlite');
  const store = createSqliteKeyStore({ path: own });
  const material = 'K'.repeat(20) + 'wrapped-key-material-0123456789';
  await store.putIfAbsent('user-1', material);
  await store.putIfAbsent('user-2', 'another users key, kept');
  await store.erase('user-1', '2026-01-02T03:04:05.000Z');
  await store.close();
  const directory = path.dirname(own);
  const bytes = readdirSync(directory).map((name) => readFileSync(path.join(directory, name)));
  t.notOk(
    bytes.some((content) => content.includes(Buffer.from(material))),
    'no copy in the database file or a journal',
  );
  t.ok(
    bytes.some((content) => content.includes(Buffer.from('another users key, kept'))),
    'the search would have found a live key',
  );
});
