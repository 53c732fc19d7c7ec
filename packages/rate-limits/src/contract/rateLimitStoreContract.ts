import { randomUUID } from 'node:crypto';
import type { Test } from 'tap';
import type { RateLimitStore } from '../rateLimitStore.ts';

/** Options of {@link rateLimitStoreContract}. */
export interface RateLimitStoreContractOptions {
  /** Adapter name shown in the test titles. */
  name: string;
  /** Opens a store reading time from `clock`; each case opens its own and closes it on teardown. Keys are fresh in every case. */
  create: (clock: () => Date) => Promise<RateLimitStore>;
  /**
   * Another handle on the counts of `store`, as a second gateway would open
   * it (a new connection to the same database); an in-process store answers
   * itself. Closed on teardown after the handle it came from.
   */
  peer: (store: RateLimitStore, clock: () => Date) => Promise<RateLimitStore>;
}

const MINUTE = 60_000;

/**
 * A clock the test moves, starting 10 s into a minute that has not begun yet,
 * so the windows are predictable and a server's TTL monitor, which reads the
 * real time, never deletes a hit while the test runs.
 */
function testClock() {
  let now = Math.ceil(Date.now() / MINUTE) * MINUTE + MINUTE + 10_000;
  return {
    clock: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** A key no other case (or earlier run against a shared store) uses. */
const unique = (label: string) => `${label}:${randomUUID()}`;

/** Opens a store reading time from `clock`, closed when the test ends. */
type OpenStore = (t: Test, clock: () => Date) => Promise<RateLimitStore>;

/** Behaviour every RateLimitStore adapter must show; run it from the adapter's test file. */
export async function rateLimitStoreContract(t: Test, options: RateLimitStoreContractOptions): Promise<void> {
  const open: OpenStore = async (t, clock) => {
    const store = await options.create(clock);
    t.teardown(() => store.close());
    return store;
  };

  await t.test(`${options.name}: RateLimitStore contract`, async (t) => {
    countingCases(t, open);
    sharedCountCases(t, open, options.peer);
    windowLengthCases(t, open);
  });
}

/** Counting: per key and window length, in order, starting again when the window ends. */
function countingCases(t: Test, open: OpenStore): void {
  t.test('hits on one key are counted in order, with the time left in the window', async (t) => {
    const time = testClock();
    const store = await open(t, time.clock);
    const key = unique('ip');
    const counts = [];
    for (let hit = 0; hit < 3; hit += 1) counts.push(await store.hit(key, MINUTE, 10));
    t.same(
      counts,
      [1, 2, 3].map((count) => ({ count, resetInMs: 50_000 })),
    );
  });

  t.test('keys are counted apart, and one key with two window lengths has two counts', async (t) => {
    const store = await open(t, testClock().clock);
    const [first, second] = [unique('a'), unique('a')];
    await store.hit(first, MINUTE, 10);
    await store.hit(first, MINUTE, 10);
    t.equal((await store.hit(second, MINUTE, 10)).count, 1, 'another key starts at one');
    t.equal((await store.hit(first, 15 * MINUTE, 10)).count, 1, 'another window length starts at one');
    t.equal((await store.hit(first, MINUTE, 10)).count, 3);
  });

  t.test('the count starts again when the window ends, not before', async (t) => {
    const time = testClock();
    const store = await open(t, time.clock);
    const key = unique('ip');
    await store.hit(key, MINUTE, 1);
    time.advance(49_999);
    t.same(await store.hit(key, MINUTE, 1), { count: 2, resetInMs: 1 }, 'one millisecond before the end');
    time.advance(1);
    t.same(await store.hit(key, MINUTE, 1), { count: 1, resetInMs: MINUTE }, 'a new window');
  });

  t.test('past the limit the count stays above it', async (t) => {
    const store = await open(t, testClock().clock);
    const key = unique('identifier');
    const counts = [];
    for (let hit = 0; hit < 6; hit += 1) counts.push((await store.hit(key, MINUTE, 2)).count);
    t.same(counts.slice(0, 3), [1, 2, 3]);
    t.ok(
      counts.slice(3).every((count) => count > 2),
      `still over the limit (${counts.join(', ')})`,
    );
  });
}

/** One count however many handles and concurrent hits share it. */
function sharedCountCases(t: Test, open: OpenStore, peer: RateLimitStoreContractOptions['peer']): void {
  t.test(
    'concurrent hits: none is lost, none within the limit is refused, never more than the limit pass',
    async (t) => {
      const time = testClock();
      const store = await open(t, time.clock);
      const other = await peer(store, time.clock);
      t.teardown(() => (other === store ? undefined : other.close()));
      const burst = (key: string, limit: number) =>
        Promise.all(
          Array.from({ length: 30 }, (_, index) => (index % 2 === 0 ? store : other).hit(key, MINUTE, limit)),
        );
      const within = (await burst(unique('burst'), 100)).map((hit) => hit.count);
      t.ok(
        within.every((count) => count >= 1 && count <= 30),
        'a hit sees at most the hits there are',
      );
      t.equal(Math.max(...within), 30, 'the last one sees all thirty');
      const beyond = unique('burst');
      const passed = (await burst(beyond, 10)).filter((hit) => hit.count <= 10).length;
      t.ok(passed <= 10, `at most the limit passed (${passed})`);
      t.ok((await store.hit(beyond, MINUTE, 10)).count > 10, 'and the key is over it afterwards');
    },
  );

  t.test('two handles on one store, as two gateways hold it, share one count', async (t) => {
    const time = testClock();
    const first = await open(t, time.clock);
    const second = await peer(first, time.clock);
    t.teardown(() => (second === first ? undefined : second.close()));
    const key = unique('shared');
    const counts = [];
    for (let hit = 0; hit < 6; hit += 1)
      counts.push((await (hit % 2 === 0 ? first : second).hit(key, MINUTE, 10)).count);
    t.same(counts, [1, 2, 3, 4, 5, 6]);
  });
}

/** What a window length may be. */
function windowLengthCases(t: Test, open: OpenStore): void {
  t.test('a window length must be a positive whole number of milliseconds', async (t) => {
    const store = await open(t, testClock().clock);
    await t.rejects(store.hit(unique('x'), 0, 1), RangeError);
    await t.rejects(store.hit(unique('x'), 1.5, 1), RangeError);
  });
}
