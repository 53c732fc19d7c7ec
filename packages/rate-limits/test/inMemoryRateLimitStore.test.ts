import t from 'tap';
import { createInMemoryRateLimitStore } from '../src/index.ts';
import { rateLimitStoreContract } from '../src/contract/index.ts';

await rateLimitStoreContract(t, {
  name: 'in-memory',
  create: async (clock) => createInMemoryRateLimitStore({ clock }),
  // One process, one map: a second gateway in the same process shares it by holding the same store.
  peer: async (store) => store,
});

t.test('in-memory: past maxKeys the least recently hit key is forgotten first', async (t) => {
  const store = createInMemoryRateLimitStore({ maxKeys: 2, clock: () => new Date(Date.UTC(2026, 0, 1, 10, 0, 10)) });
  await store.hit('old', 60_000, 10);
  await store.hit('recent', 60_000, 10);
  await store.hit('recent', 60_000, 10);
  await store.hit('old', 60_000, 10);
  await store.hit('new', 60_000, 10);
  t.equal((await store.hit('old', 60_000, 10)).count, 3, 'hit lately, so kept');
  t.equal((await store.hit('recent', 60_000, 10)).count, 1, 'the least recently hit was forgotten');
});
