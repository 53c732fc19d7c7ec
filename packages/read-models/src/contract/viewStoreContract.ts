import { randomUUID } from 'node:crypto';
import type { Test } from 'tap';
import type { ViewStore } from '../viewStore.ts';

/** Options of {@link viewStoreContract}. */
export interface ViewStoreContractOptions {
  /** Adapter name shown in the test titles. */
  name: string;
  /**
   * Opens a store; each case opens its own and closes it on teardown. The
   * store may be shared: every case uses fresh collection and checkpoint names.
   */
  create: () => Promise<ViewStore>;
}

interface Person {
  name: string;
  email?: string;
  age?: number | string;
  active?: boolean | number;
  address?: { city: string; lines: string[] };
}

/** A name valid for every adapter: letters, digits and underscores, starting with a letter. */
const unique = (label: string): string => `${label}_${randomUUID().replaceAll('-', '')}`;

/** Behaviour every ViewStore adapter must show; run it from the adapter's test file. */
export async function viewStoreContract(t: Test, options: ViewStoreContractOptions): Promise<void> {
  const open = async (t: Test): Promise<ViewStore> => {
    const store = await options.create();
    t.teardown(() => store.close());
    return store;
  };

  await t.test(`${options.name}: ViewStore contract`, async (t) => {
    documentWriteCases(t, open);
    documentQueryCases(t, open);
    collectionAndCheckpointCases(t, open);
    namespaceCases(t, open);
  });
}

/** Documents: reads and writes guarded by position. */
function documentWriteCases(t: Test, open: (t: Test) => Promise<ViewStore>): void {
  t.test('get of a missing id is undefined', async (t) => {
    const people = (await open(t)).collection<Person>(unique('people'));
    t.equal(await people.get('nobody'), undefined);
  });

  t.test('upsert then get round-trips nested JSON', async (t) => {
    const people = (await open(t)).collection<Person>(unique('people'));
    const ada: Person = {
      name: 'Ada Lovelace ✓',
      age: 36,
      active: true,
      address: { city: 'Zürich', lines: ['1 "Quoted" St', ''] },
    };
    t.equal(await people.upsert('p1', ada, 1), true, 'first write happens');
    t.strictSame(await people.get('p1'), ada);
  });

  t.test('only a later position overwrites', async (t) => {
    const people = (await open(t)).collection<Person>(unique('people'));
    await people.upsert('p1', { name: 'at five' }, 5);
    t.equal(await people.upsert('p1', { name: 'at three' }, 3), false, 'older position refused');
    t.equal(await people.upsert('p1', { name: 'again at five' }, 5), false, 'same position refused');
    t.strictSame(await people.get('p1'), { name: 'at five' });
    t.equal(await people.upsert('p1', { name: 'at six' }, 6), true, 'newer position written');
    t.strictSame(await people.get('p1'), { name: 'at six' });
  });
}

/** Documents: finds by indexed field, and deletes guarded by position. */
function documentQueryCases(t: Test, open: (t: Test) => Promise<ViewStore>): void {
  t.test('findBy matches indexed fields by value and type, in id order', async (t) => {
    const people = (await open(t)).collection<Person>(unique('people'), { indexes: ['email', 'age', 'active'] });
    const docs: Record<string, Person> = {
      c: { name: 'c', email: 'x@example.com', age: 30, active: true },
      a: { name: 'a', email: 'x@example.com', age: 30, active: false },
      d: { name: 'd', email: 'y@example.com', age: '30', active: 1 },
      b: { name: 'b', email: 'x@example.com', age: 41, active: true },
      e: { name: 'e' },
    };
    for (const [id, doc] of Object.entries(docs)) await people.upsert(id, doc, 1);
    const names = async (field: string, value: string | number | boolean): Promise<string[]> =>
      (await people.findBy(field, value)).map((person) => person.name);
    t.strictSame(await names('email', 'x@example.com'), ['a', 'b', 'c'], 'string');
    t.strictSame(await names('age', 30), ['a', 'c'], 'number, not the string "30"');
    t.strictSame(await names('age', '30'), ['d'], 'string, not the number 30');
    t.strictSame(await names('active', true), ['b', 'c'], 'true, not the number 1');
    t.strictSame(await names('active', false), ['a'], 'false');
    t.strictSame(await names('email', 'nobody@example.com'), [], 'no match');
    await people.upsert('b', { name: 'b', email: 'z@example.com', age: 41, active: true }, 2);
    t.strictSame(await names('email', 'x@example.com'), ['a', 'c'], 'follows updates');
  });

  t.test('delete is guarded by position', async (t) => {
    const people = (await open(t)).collection<Person>(unique('people'));
    await people.upsert('p1', { name: 'one' }, 10);
    await people.upsert('p2', { name: 'two' }, 10);
    t.equal(await people.delete('p1', 9), false, 'older position refused');
    t.strictSame(await people.get('p1'), { name: 'one' });
    t.equal(await people.delete('p1', 10), true, 'same position removes');
    t.equal(await people.delete('p2', 11), true, 'newer position removes');
    t.equal(await people.get('p1'), undefined);
    t.equal(await people.get('p2'), undefined);
    t.equal(await people.delete('p1', 12), false, 'nothing left to remove');
    t.equal(await people.upsert('p1', { name: 'back' }, 13), true, 'can be written again');
    t.strictSame(await people.get('p1'), { name: 'back' });
  });
}

/** The store: separate collections, checkpoints, and a ping. */
function collectionAndCheckpointCases(t: Test, open: (t: Test) => Promise<ViewStore>): void {
  t.test('collections are separate', async (t) => {
    const store = await open(t);
    const first = store.collection<Person>(unique('first'));
    const second = store.collection<Person>(unique('second'));
    await first.upsert('same', { name: 'first' }, 1);
    t.equal(await second.get('same'), undefined);
    t.equal(await second.upsert('same', { name: 'second' }, 1), true);
    t.strictSame(await first.get('same'), { name: 'first' });
  });

  t.test('checkpoints start at 0 and keep the last position set', async (t) => {
    const store = await open(t);
    const projection = unique('projection');
    const other = unique('other');
    t.equal(await store.getCheckpoint(projection), 0);
    for (const position of [1, 5, 42]) {
      await store.setCheckpoint(projection, position);
      t.equal(await store.getCheckpoint(projection), position, `advanced to ${position}`);
    }
    t.equal(await store.getCheckpoint(other), 0, 'other projections unaffected');
  });

  t.test('ping answers', async (t) => {
    await t.resolves((await open(t)).ping());
  });
}

/** The store: namespaces and their promotion. */
function namespaceCases(t: Test, open: (t: Test) => Promise<ViewStore>): void {
  t.test('a namespace is separate until promoted, then replaces the live collections and checkpoints', async (t) => {
    const store = await open(t);
    const name = unique('rebuilt');
    const checkpoint = unique('projection');
    const live = store.collection<Person>(name, { indexes: ['email'] });
    await live.upsert('stale', { name: 'Stale', email: 'stale@example.com' }, 9);
    await live.upsert('kept', { name: 'Old Ada', email: 'ada@example.com' }, 9);
    await store.setCheckpoint(checkpoint, 9);

    const staging = store.namespace(unique('staging'));
    const rebuilt = staging.collection<Person>(name, { indexes: ['email'] });
    await rebuilt.upsert('kept', { name: 'Ada', email: 'ada@example.com' }, 3);
    await staging.setCheckpoint(checkpoint, 3);
    t.same(
      await live.get('kept'),
      { name: 'Old Ada', email: 'ada@example.com' },
      'the live view is untouched while rebuilding',
    );
    t.equal(await live.get('nothing'), undefined);

    await store.promote(staging);
    t.same(await live.get('kept'), { name: 'Ada', email: 'ada@example.com' }, 'the rebuilt document is live');
    t.equal(await live.get('stale'), undefined, 'documents the rebuild did not produce are gone');
    t.same(
      await live.findBy('email', 'ada@example.com'),
      [{ name: 'Ada', email: 'ada@example.com' }],
      'queries use the rebuilt data',
    );
    t.equal(await store.getCheckpoint(checkpoint), 3, "the checkpoint is the rebuild's");
    t.ok(
      await live.upsert('kept', { name: 'Ada Lovelace', email: 'ada@example.com' }, 4),
      'writes continue on the promoted collection',
    );
    t.same(await store.collection<Person>(name).get('kept'), { name: 'Ada Lovelace', email: 'ada@example.com' });
  });

  t.test('promote refuses a store that is not one of its namespaces', async (t) => {
    const store = await open(t);
    const other = await open(t);
    await t.rejects(store.promote(other));
  });
}
