import t from 'tap';
import type { Test } from 'tap';
import { requireServer } from '@tessera/testing';
import { eventStoreContract } from '../src/contract/index.ts';
import { collect, newEvent, newEvents, newStreamId, rejectionOf } from '../src/contract/contractHelpers.ts';
import { createEventStoreDbEventStore } from '../src/index.ts';
import type { EventStore } from '../src/index.ts';

// CI here cannot start EventStoreDB (it ships only as Docker images and
// vendor packages), so a missing server skips the suite even in CI.
const url = requireServer(t, 'EVENTSTORE_URL', 'the event store contract against EventStoreDB', {
  requiredInCi: false,
});

if (url !== undefined) {
  const connectionString = url;

  /** A store closed when the test ends. */
  const open = (t: Test): EventStore => {
    const store = createEventStoreDbEventStore({ connectionString });
    t.teardown(() => store.close());
    return store;
  };

  await eventStoreContract(t, {
    name: 'EventStoreDB event store',
    create: async () => createEventStoreDbEventStore({ connectionString }),
  });

  t.test('the server’s own events never show in the global order', async (t) => {
    const store = open(t);
    const events = await store.readAll({ maxCount: 200 });
    t.ok(
      events.every((event) => !event.type.startsWith('$') && !event.streamId.startsWith('$')),
      'no system events',
    );
    t.ok(
      events.every((event) => Number.isSafeInteger(event.position) && event.position > 0),
      'positions are exact numbers',
    );
  });

  t.test('a batch retried with a revision it no longer matches returns the original result', async (t) => {
    const store = open(t);
    const streamId = newStreamId();
    const batch = newEvents(2);
    const first = await store.append(streamId, batch, { expectedRevision: 'no-stream' });
    await store.append(streamId, newEvents(1), { expectedRevision: first.nextExpectedRevision });
    t.same(await store.append(streamId, batch, { expectedRevision: 2 }), first);
    t.equal((await store.readStream(streamId)).length, 3, 'the retry wrote nothing');
  });

  t.test('an event id that is not a lower-case UUID is refused', async (t) => {
    const store = open(t);
    const event = { ...newEvent(), eventId: 'not-a-uuid' };
    t.match(await rejectionOf(store.append(newStreamId(), [event])), { message: /not a lower-case UUID/ });
  });

  t.test('an event id repeated within one batch is refused', async (t) => {
    const store = open(t);
    const event = newEvent();
    const error = await rejectionOf(
      store.append(newStreamId(), [event, { ...event }], { expectedRevision: 'no-stream' }),
    );
    t.match(error, { message: /appears twice/ });
  });

  t.test('closing the store stops its subscriptions and refuses further use', async (t) => {
    const store = createEventStoreDbEventStore({ connectionString });
    const collector = collect(t, store, [], await store.headPosition());
    await collector.subscription.caughtUp;
    await store.close();
    await collector.subscription.stop();
    t.match(await rejectionOf(store.headPosition()), { message: 'event store is closed' });
    t.throws(() => store.subscribeToAll(async () => undefined), { message: 'event store is closed' });
    await store.close();
    t.pass('closing twice is harmless');
  });
}
