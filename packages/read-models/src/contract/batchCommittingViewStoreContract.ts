import type { Test } from 'tap';
import type { BatchCommittingViewStore } from '../batchCommittingViewStore.ts';

/** A fresh store, and a way to see what of it another connection sees: only what was committed. */
export interface OpenedBatchCommittingStore {
  store: BatchCommittingViewStore;
  /** How many documents another connection sees in `collection` (of `namespace`, when given). */
  countCommitted(collection: string, namespace?: string): number | Promise<number>;
}

/** Options of {@link batchCommittingViewStoreContract}. */
export interface BatchCommittingViewStoreContractOptions {
  /** Adapter name shown in the test titles. */
  name: string;
  /** Opens a fresh, empty store; each case opens its own and the suite closes it on teardown. */
  create: (t: Test) => Promise<OpenedBatchCommittingStore>;
}

interface Numbered {
  n: number;
}

/**
 * Behaviour every adapter offering the {@link BatchCommittingViewStore}
 * capability must show, besides the ViewStore contract; run it from the
 * adapter's test file.
 */
export async function batchCommittingViewStoreContract(
  t: Test,
  options: BatchCommittingViewStoreContractOptions,
): Promise<void> {
  const open = async (t: Test): Promise<OpenedBatchCommittingStore> => {
    const opened = await options.create(t);
    t.teardown(() => opened.store.close());
    return opened;
  };

  await t.test(`${options.name}: BatchCommittingViewStore contract`, async (t) => {
    groupVisibilityCases(t, open);
    groupCommitCases(t, open);
    batchCases(t, open);
  });
}

/** Writes grouped per turn of the event loop are seen at once, and committed on their own or on demand. */
function groupVisibilityCases(t: Test, open: (t: Test) => Promise<OpenedBatchCommittingStore>): void {
  t.test('a write is seen before its promise settles, and committed', async (t) => {
    const { store } = await open(t);
    const people = store.collection<{ name: string }>('people');
    let settled = false;
    const first = people.upsert('ada', { name: 'Ada' }, 1).then((written) => {
      settled = true;
      return written;
    });
    t.same(await people.get('ada'), { name: 'Ada' }, 'seen by the next read');
    t.notOk(settled, 'before the write settled');
    const second = people.upsert('ada', { name: 'Ada Lovelace' }, 2);
    t.same(await Promise.all([first, second]), [true, true], 'both writes then settle as written');
    t.same(await people.get('ada'), { name: 'Ada Lovelace' });
  });

  t.test('commitPending stores the writes made so far without waiting for the turn to end', async (t) => {
    const { store, countCommitted } = await open(t);
    const people = store.collection<{ name: string }>('people');
    await people.upsert('warm', { name: 'Warm' }, 1);
    let settled = false;
    const written = people.upsert('grace', { name: 'Grace' }, 1).then(() => {
      settled = true;
    });
    store.commitPending();
    t.equal(await countCommitted('people'), 2, 'another connection sees it at once');
    // A few promise hops, no timer or I/O: the commit has happened already.
    for (let hop = 0; hop < 3; hop += 1) await Promise.resolve();
    t.ok(settled, 'the write settled before the event loop moved on');
    await written;
    t.same(await people.get('grace'), { name: 'Grace' });
  });
}

/** Writes grouped per turn of the event loop are committed together, and fail alone. */
function groupCommitCases(t: Test, open: (t: Test) => Promise<OpenedBatchCommittingStore>): void {
  t.test(
    'writes of one turn share a commit: each resolves once another connection can read it, and this one reads it at once',
    async (t) => {
      const { store, countCommitted } = await open(t);
      const users = store.collection<Numbered>('users');
      await users.upsert('warm', { n: 0 }, 1);
      const writes = Array.from({ length: 20 }, (_, index) => users.upsert(`u${index}`, { n: index }, 10));
      const checkpoint = store.setCheckpoint('projector', 10);
      t.strictSame(await users.get('u19'), { n: 19 }, 'this connection reads its writes before they commit');
      t.equal(await countCommitted('users'), 1, 'not committed yet while the turn lasts');
      t.same(await Promise.all(writes), Array(20).fill(true));
      await checkpoint;
      t.equal(await countCommitted('users'), 21, 'all committed when their promises resolve');
      t.equal(await store.getCheckpoint('projector'), 10);
    },
  );

  t.test('a failing write in a group fails alone', async (t) => {
    const { store } = await open(t);
    const users = store.collection<Numbered>('users');
    const good = users.upsert('a', { n: 1 }, 1);
    // A document JSON cannot hold fails as it is written.
    const cyclic: { n: number; self?: unknown } = { n: 2 };
    cyclic.self = cyclic;
    const bad = users.upsert('b', cyclic, 1);
    const alsoGood = users.upsert('c', { n: 3 }, 1);
    await t.rejects(bad);
    t.equal(await good, true);
    t.equal(await alsoGood, true);
    t.strictSame(await users.get('a'), { n: 1 });
    t.equal(await users.get('b'), undefined);
  });
}

/** Batches: one transaction each, all or nothing. */
function batchCases(t: Test, open: (t: Test) => Promise<OpenedBatchCommittingStore>): void {
  t.test('a batch commits its writes together, and none of them when it fails', async (t) => {
    const { store, countCommitted } = await open(t);
    const users = store.namespace('staging').collection<Numbered>('users');
    const visible = () => countCommitted('users', 'staging');
    await store.batch(async () => {
      await users.upsert('u1', { n: 1 }, 1);
      t.same(await users.get('u1'), { n: 1 }, 'the batch reads its own writes');
      t.equal(await visible(), 0, 'another connection sees nothing before the commit');
    });
    t.equal(await visible(), 1);
    await t.rejects(
      store.batch(async () => {
        await users.upsert('u2', { n: 2 }, 2);
        throw new Error('failed');
      }),
      /failed/,
    );
    t.equal(await users.get('u2'), undefined, 'a failed batch leaves nothing');
    await store.batch(async () => {
      await store.purge();
      await users.upsert('u3', { n: 3 }, 3);
    });
    t.same(await users.get('u3'), { n: 3 }, 'a purge inside a batch waits for its commit');
  });

  t.test('a batch started while writes are grouped commits them first and stays atomic', async (t) => {
    const { store } = await open(t);
    const users = store.collection<Numbered>('users');
    const before = users.upsert('before', { n: 1 }, 1);
    await t.rejects(
      store.batch(async () => {
        await users.upsert('inside', { n: 2 }, 1);
        throw new Error('the batch fails');
      }),
    );
    t.equal(await before, true);
    t.strictSame(await users.get('before'), { n: 1 }, 'the grouped write was committed before the batch');
    t.equal(await users.get('inside'), undefined, 'the failed batch left nothing');
  });
}
