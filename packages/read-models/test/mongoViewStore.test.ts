import t from 'tap';
import type { Test } from 'tap';
import { randomUUID } from 'node:crypto';
import { requireServer, scratchMongoDatabase } from '@tessera/testing';
import { createMongoViewStore } from '../src/index.ts';
import type { MongoViewStoreOptions, ViewStore } from '../src/index.ts';
import { viewStoreContract } from '../src/contract/index.ts';

// deploy/local/ferretdb.sh start prints a MONGO_URL that works here.
const url = requireServer(t, 'MONGO_URL', 'the read-model contract against MongoDB');

if (url !== undefined) {
  const serverUrl = url;
  const { database, admin } = scratchMongoDatabase(t, serverUrl);

  const create = (options: Partial<MongoViewStoreOptions> = {}): Promise<ViewStore> =>
    createMongoViewStore({ url: serverUrl, database, ...options });
  /** A store closed when the test ends. */
  const open = async (t: Test, options: Partial<MongoViewStoreOptions> = {}): Promise<ViewStore> => {
    const store = await create(options);
    t.teardown(() => store.close());
    return store;
  };
  const unique = (label: string): string => `${label}_${randomUUID().replaceAll('-', '')}`;

  await viewStoreContract(t, { name: 'MongoDB', create: () => create() });

  t.test('MongoDB: documents are kept as { _id, position, doc } with an index per findBy field', async (t) => {
    const name = unique('accounts');
    const accounts = (await open(t)).collection<{ email: string }>(name, { indexes: ['email'] });
    await accounts.upsert('a1', { email: 'a@example.com' }, 7);
    const raw = admin.db(database).collection(`view_${name.toLowerCase()}`);
    t.strictSame(await raw.findOne({ _id: 'a1' as never }), {
      _id: 'a1',
      position: 7,
      doc: { email: 'a@example.com' },
    });
    const keys = (await raw.indexes()).map((index) => index.key);
    t.ok(
      keys.some((key) => JSON.stringify(key) === '{"doc.email":1}'),
      'index on doc.email',
    );
  });

  t.test('MongoDB: findBy compares whole values, not array elements', async (t) => {
    const tagged = (await open(t)).collection<{ tag: string | string[] }>(unique('tagged'), { indexes: ['tag'] });
    await tagged.upsert('one', { tag: 'x' }, 1);
    await tagged.upsert('many', { tag: ['x', 'y'] }, 1);
    t.strictSame(await tagged.findBy('tag', 'x'), [{ tag: 'x' }]);
  });

  t.test('MongoDB: documents pass through JSON, as in the SQLite store', async (t) => {
    const events = (await open(t)).collection<object>(unique('events'));
    await events.upsert('e1', { at: new Date('2026-01-02T03:04:05.000Z'), missing: undefined, n: 1.5 }, 1);
    t.strictSame(await events.get('e1'), { at: '2026-01-02T03:04:05.000Z', n: 1.5 });
  });

  t.test('MongoDB: concurrent writers of one id in one process leave the newest position', async (t) => {
    const [first, second] = [await open(t), await open(t)];
    const name = unique('raced');
    const positions = Array.from({ length: 20 }, (_, index) => index + 1).sort(() => Math.random() - 0.5);
    const results = await Promise.all(
      positions.map((position) =>
        (position % 2 === 0 ? first : second).collection<{ at: number }>(name).upsert('p1', { at: position }, position),
      ),
    );
    t.strictSame(await first.collection<{ at: number }>(name).get('p1'), { at: 20 });
    t.equal(results[positions.indexOf(20)], true, 'the newest write reports written');
    t.equal(await first.collection(name).upsert('p1', { at: 20 }, 20), false, 'a replay of it does not');
  });

  t.test('MongoDB: a promoted collection keeps the indexes the live store asked for', async (t) => {
    const store = await open(t);
    const name = unique('promoted');
    store.collection(name, { indexes: ['email'] });
    const staging = store.namespace(unique('staging'));
    await staging.collection(name).upsert('a1', { email: 'a@example.com' }, 1);
    await staging.close();
    await store.promote(staging);
    t.strictSame(
      await store.collection(name).findBy('email', 'a@example.com'),
      [{ email: 'a@example.com' }],
      'closing the namespace left the store open',
    );
    const keys = (await admin.db(database).collection(`view_${name.toLowerCase()}`).indexes()).map((index) =>
      JSON.stringify(index.key),
    );
    t.ok(keys.includes('{"doc.email":1}'), 'index on doc.email');
  });

  t.test('MongoDB: collection prefixes keep stores apart, and names are case-insensitive', async (t) => {
    const name = unique('shared');
    const plain = await open(t);
    const prefixed = await open(t, { collectionPrefix: 'tenant_' });
    await plain.collection(name).upsert('x', { from: 'plain' }, 1);
    t.equal(await prefixed.collection(name).get('x'), undefined);
    t.strictSame(await plain.collection(name.toUpperCase()).get('x'), { from: 'plain' });
    await prefixed.setCheckpoint('projection', 3);
    t.equal(await plain.getCheckpoint('projection'), 0);
  });

  t.test('MongoDB: names that could reach operators or paths are refused', async (t) => {
    const store = await open(t);
    t.throws(() => store.collection('$cmd'), /invalid collection name/);
    t.throws(() => store.collection('accounts', { indexes: ['doc.email'] }), /invalid field name/);
    await t.rejects(store.collection('accounts').findBy('$where', 'x'), /invalid field name/);
    await t.rejects(
      store.collection('accounts').findBy('email', { $ne: null } as unknown as string),
      /findBy compares/,
    );
  });

  t.test('MongoDB: a server that does not answer fails fast and says where', async (t) => {
    const started = Date.now();
    await t.rejects(
      createMongoViewStore({
        url: 'mongodb://user:secret@127.0.0.1:1/?directConnection=true',
        database,
        serverSelectionTimeoutMS: 300,
      }),
      /MongoDB at mongodb:\/\/\*\*\*@127\.0\.0\.1:1\/.* did not answer a ping/,
    );
    t.ok(Date.now() - started < 3000, 'within the selection timeout');
  });
}
