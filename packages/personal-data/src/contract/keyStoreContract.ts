import { randomUUID } from 'node:crypto';
import type { Test } from 'tap';
import type { PersonalDataKeyStore } from '../keyStore.ts';

export interface KeyStoreContractOptions {
  /** Adapter name shown in the test titles. */
  name: string;
  /** Opens a store; the store may be shared, every case uses fresh user ids. */
  create: () => Promise<PersonalDataKeyStore>;
}

/** Opens a store that is closed when the test ends. */
type OpenStore = (t: Test) => Promise<PersonalDataKeyStore>;

/** Behaviour every PersonalDataKeyStore adapter must show; run it from the adapter's test file. */
export async function keyStoreContract(t: Test, options: KeyStoreContractOptions): Promise<void> {
  const open: OpenStore = async (t) => {
    const store = await options.create();
    t.teardown(() => store.close());
    return store;
  };

  keyCases(t, open, options.name);
  erasureCases(t, open, options.name);
}

/** One key per user: the first stored wins, however many write at once. */
function keyCases(t: Test, open: OpenStore, name: string): void {
  t.test(`${name}: a user has one key: the first stored wins`, async (t) => {
    const store = await open(t);
    const userId = randomUUID();
    t.equal(await store.get(userId), undefined, 'no key before one is stored');
    t.same(await store.putIfAbsent(userId, 'first'), { status: 'active', wrappedKey: 'first' });
    t.same(
      await store.putIfAbsent(userId, 'second'),
      { status: 'active', wrappedKey: 'first' },
      'a second writer gets the stored key back',
    );
    t.same(await store.get(userId), { status: 'active', wrappedKey: 'first' });
  });

  t.test(`${name}: concurrent first writers all end up with the same key`, async (t) => {
    const store = await open(t);
    const userId = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, index) => store.putIfAbsent(userId, `key-${index}`)),
    );
    t.equal(new Set(results.map((result) => JSON.stringify(result))).size, 1);
  });
}

/** Erasure: a tombstone no later key replaces, and only for the user erased. */
function erasureCases(t: Test, open: OpenStore, name: string): void {
  t.test(`${name}: erasure leaves a tombstone that no later key replaces`, async (t) => {
    const store = await open(t);
    const userId = randomUUID();
    await store.putIfAbsent(userId, 'secret-key-material');
    await store.erase(userId, '2026-01-02T03:04:05.000Z');
    t.same(await store.get(userId), { status: 'erased', erasedAt: '2026-01-02T03:04:05.000Z' });
    t.same(
      await store.putIfAbsent(userId, 'resurrected'),
      { status: 'erased', erasedAt: '2026-01-02T03:04:05.000Z' },
      'a late writer cannot bring a key back',
    );
    await store.erase(userId, '2027-01-01T00:00:00.000Z');
    t.same(
      await store.get(userId),
      { status: 'erased', erasedAt: '2026-01-02T03:04:05.000Z' },
      'erasing again keeps the first erasure time',
    );
  });

  t.test(`${name}: erasing a user who never had a key still records the tombstone`, async (t) => {
    const store = await open(t);
    const userId = randomUUID();
    await store.erase(userId, '2026-01-02T03:04:05.000Z');
    t.equal((await store.putIfAbsent(userId, 'late'))?.status, 'erased');
  });

  t.test(`${name}: users do not see each other's keys`, async (t) => {
    const store = await open(t);
    const [alice, bob] = [randomUUID(), randomUUID()];
    await store.putIfAbsent(alice, 'alice-key');
    await store.putIfAbsent(bob, 'bob-key');
    await store.erase(alice, '2026-01-02T03:04:05.000Z');
    t.same(await store.get(bob), { status: 'active', wrappedKey: 'bob-key' });
  });
}
