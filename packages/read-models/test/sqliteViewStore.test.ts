import t from 'tap';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { createSqliteViewStore } from '../src/index.ts';
import { batchCommittingViewStoreContract, viewStoreContract } from '../src/contract/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-views-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshPath = (): string => join(dir, `views-${++files}.db`);

void viewStoreContract(t, { name: 'sqlite', create: async () => createSqliteViewStore({ path: freshPath() }) });

void batchCommittingViewStoreContract(t, {
  name: 'sqlite',
  create: async (t) => {
    const path = freshPath();
    const store = createSqliteViewStore({ path });
    // Another connection to the file: it sees only what was committed.
    const reader = new Database(path, { readonly: true });
    t.teardown(() => reader.close());
    const countCommitted = (collection: string, namespace?: string) =>
      (
        reader.prepare(`SELECT COUNT(*) AS n FROM "view_${namespace ? `${namespace}__` : ''}${collection}"`).get() as {
          n: number;
        }
      ).n;
    return { store, countCommitted };
  },
});

t.test('documents and checkpoints survive reopening the file', async (t) => {
  const path = freshPath();
  const first = createSqliteViewStore({ path });
  await first
    .collection<{ email: string }>('accounts', { indexes: ['email'] })
    .upsert('a1', { email: 'a@example.com' }, 7);
  await first.setCheckpoint('accounts', 7);
  await first.close();

  const second = createSqliteViewStore({ path });
  t.teardown(() => second.close());
  const accounts = second.collection<{ email: string }>('accounts', { indexes: ['email'] });
  t.strictSame(await accounts.get('a1'), { email: 'a@example.com' });
  t.strictSame(await accounts.findBy('email', 'a@example.com'), [{ email: 'a@example.com' }]);
  t.equal(await accounts.upsert('a1', { email: 'old@example.com' }, 7), false, 'positions survive too');
  t.equal(await second.getCheckpoint('accounts'), 7);
});

t.test('runs in WAL mode and findBy uses the expression index', async (t) => {
  const path = freshPath();
  const store = createSqliteViewStore({ path });
  t.teardown(() => store.close());
  await store.collection('accounts', { indexes: ['email'] }).upsert('a1', { email: 'a@example.com' }, 1);
  const db = new Database(path, { readonly: true });
  t.teardown(() => db.close());
  t.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  const plan = db
    .prepare(
      `EXPLAIN QUERY PLAN SELECT doc FROM view_accounts WHERE json_extract(doc, '$.email') = ? AND json_type(doc, '$.email') IN (?, ?) ORDER BY id`,
    )
    .all('a@example.com', 'text', 'text') as { detail: string }[];
  t.match(plan.map((step) => step.detail).join('\n'), /view_accounts_by_email/);
});

t.test('names that could smuggle SQL are refused', async (t) => {
  const store = createSqliteViewStore({ path: ':memory:' });
  t.teardown(() => store.close());
  t.throws(() => store.collection('accounts; DROP TABLE checkpoints'), /invalid collection name/);
  t.throws(() => store.collection('1accounts'), /invalid collection name/);
  t.throws(() => store.collection('accounts', { indexes: ["email') --"] }), /invalid field name/);
  await t.rejects(store.collection('accounts').findBy('a.b', 'x'), /invalid field name/);
  await t.rejects(store.collection('accounts').findBy('email', null as unknown as string), /findBy compares/);
});

t.test('one collection under any letter case', async (t) => {
  const store = createSqliteViewStore({ path: ':memory:' });
  t.teardown(() => store.close());
  await store.collection('Accounts').upsert('a1', { n: 1 }, 1);
  t.strictSame(await store.collection('accounts').get('a1'), { n: 1 });
});

t.test('after purge, an overwritten or deleted document leaves no copy in the database files', async (t) => {
  const file = freshPath();
  const store = createSqliteViewStore({ path: file });
  t.teardown(() => store.close());
  const users = store.collection<{ email: string }>('users');
  await users.upsert('u1', { email: 'erase-me@example.com' }, 1);
  await users.upsert('u2', { email: 'delete-me@example.com' }, 1);
  await users.upsert('u3', { email: 'keep-me@example.com' }, 1);
  await users.upsert('u1', { email: '' }, 2);
  await users.delete('u2', 2);
  await store.purge();
  const directory = dirname(file);
  const bytes = Buffer.concat(
    readdirSync(directory)
      .filter((name) => name.startsWith(basename(file)))
      .map((name) => readFileSync(join(directory, name))),
  );
  t.notOk(
    bytes.includes(Buffer.from('erase-me@example.com')),
    'the overwritten email is gone from the file and the WAL',
  );
  t.notOk(bytes.includes(Buffer.from('delete-me@example.com')), 'so is the deleted one');
  t.ok(bytes.includes(Buffer.from('keep-me@example.com')), 'the search finds what is still there');
});
