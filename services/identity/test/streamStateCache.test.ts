/** Loading a stream again reads only what was appended since, and still ends in the state a full rebuild gives. */
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { schemaVersionOf, type IdentityEvent } from '@tessera/contracts';
import { createSqliteEventStore, type EventStore } from '@tessera/event-store';
import { decideAndAppend, loadStream } from '../src/application/decideAndAppend.ts';
import { createStreamStateCache } from '../src/application/streamStateCache.ts';
import { evolveUser, initialUserState } from '../src/domain/userState.ts';
import { otpIssued, registered, wrongCode } from './mothers.ts';

const stored = (...events: IdentityEvent[]) =>
  events.map((event) => ({
    eventId: randomUUID(),
    type: event.type,
    schemaVersion: schemaVersionOf(event.type),
    data: event.data as Record<string, unknown>,
    metadata: {},
  }));

/** The store, and how many events each of its stream reads returned. */
function countingStore(): { store: EventStore; rowsRead: number[] } {
  const store = createSqliteEventStore({ path: ':memory:' });
  const rowsRead: number[] = [];
  return {
    rowsRead,
    store: {
      ...store,
      async readStream(streamId, options) {
        const events = await store.readStream(streamId, options);
        rowsRead.push(events.length);
        return events;
      },
    },
  };
}

t.test(
  "a stream loaded again reads only the events appended since, by any writer, and ends in the full rebuild's state",
  async (t) => {
    const { store, rowsRead } = countingStore();
    t.teardown(() => store.close());
    const cache = createStreamStateCache(10);
    await store.append('user-1', stored(registered(), otpIssued('s-1'), wrongCode('s-1', 1)));

    const first = await loadStream(store, 'user-1', evolveUser, initialUserState, cache);
    t.equal(first.revision, 2);
    // Another writer (another identity instance) appends behind this one's back.
    await store.append('user-1', stored(wrongCode('s-1', 2), otpIssued('s-2')));
    const second = await loadStream(store, 'user-1', evolveUser, initialUserState, cache);
    const third = await loadStream(store, 'user-1', evolveUser, initialUserState, cache);

    t.same(rowsRead, [3, 2, 0], 'the history is read once, then only what is new');
    const rebuilt = await loadStream(store, 'user-1', evolveUser, initialUserState);
    t.same(second.state, rebuilt.state, 'the same state as a full rebuild');
    t.same(third.state, rebuilt.state);
    t.equal(third.revision, 4);
    t.equal(third.lastEvent?.type, 'OtpIssued', 'the last event is known without reading it again');
    t.equal(third.state.challenges['s-1']?.failedAttempts, 2);
  },
);

t.test(
  'after its own append, the next command starts from the state it made without reading its events back',
  async (t) => {
    const { store, rowsRead } = countingStore();
    t.teardown(() => store.close());
    const cache = createStreamStateCache(10);
    await store.append('user-1', stored(registered(), otpIssued('s-1')));
    const outcome = await decideAndAppend(
      store,
      'user-1',
      evolveUser,
      initialUserState,
      () => ({ events: [wrongCode('s-1', 1)] }),
      { correlationId: 'c', occurredAt: new Date().toISOString() },
      cache,
    );
    t.ok(outcome.position);
    const next = await loadStream(store, 'user-1', evolveUser, initialUserState, cache);
    t.same(rowsRead, [2, 0], 'the appended event was not read back');
    const rebuilt = await loadStream(store, 'user-1', evolveUser, initialUserState);
    t.same(next.state, rebuilt.state, 'the same state as a full rebuild');
    t.equal(next.revision, 2);
    t.same(
      { type: next.lastEvent?.type, position: next.lastEvent?.position },
      { type: rebuilt.lastEvent?.type, position: rebuilt.lastEvent?.position },
    );
  },
);

t.test('empty streams are not held, and past its bound the cache forgets the least recently used stream', async (t) => {
  const { store, rowsRead } = countingStore();
  t.teardown(() => store.close());
  const cache = createStreamStateCache(2);
  for (const stream of ['user-a', 'user-b', 'user-c'])
    await store.append(stream, stored(registered({ userId: stream })));

  await loadStream(store, 'user-nobody', evolveUser, initialUserState, cache);
  t.equal(cache.size, 0, 'an unknown stream takes no place');
  await loadStream(store, 'user-a', evolveUser, initialUserState, cache);
  await loadStream(store, 'user-b', evolveUser, initialUserState, cache);
  await loadStream(store, 'user-a', evolveUser, initialUserState, cache);
  await loadStream(store, 'user-c', evolveUser, initialUserState, cache);
  t.equal(cache.size, 2);
  rowsRead.length = 0;
  await loadStream(store, 'user-a', evolveUser, initialUserState, cache);
  await loadStream(store, 'user-b', evolveUser, initialUserState, cache);
  t.same(rowsRead, [0, 1], 'the recently used stream stayed, the other was read again in full');
});

t.test('a cache of size zero holds nothing', async (t) => {
  const { store, rowsRead } = countingStore();
  t.teardown(() => store.close());
  const cache = createStreamStateCache(0);
  await store.append('user-1', stored(registered()));
  await loadStream(store, 'user-1', evolveUser, initialUserState, cache);
  await loadStream(store, 'user-1', evolveUser, initialUserState, cache);
  t.same(rowsRead, [1, 1]);
  t.throws(() => createStreamStateCache(-1));
});
