import t from 'tap';
import type { Test } from 'tap';
import { requireServer } from '@tessera/testing';
import { eventStoreContract } from '../src/contract/index.ts';
import { collect, newEvent, newEvents, newStreamId, rejectionOf } from '../src/contract/contractHelpers.ts';
import { EventStoreDBClient, jsonEvent, NO_STREAM } from '@eventstore/db-client';
import { createEventStoreDbEventStore, eventHash, GENESIS_HASH } from '../src/index.ts';
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

  t.test('the chain lives in the metadata envelope under $chain, never in the metadata read back', async (t) => {
    const store = open(t);
    const streamId = newStreamId();
    await store.append(streamId, newEvents(1), { expectedRevision: 'no-stream' });
    const [stored] = await store.readStream(streamId);
    t.same(stored?.metadata, { source: 'contract' }, 'the metadata is what was appended');
    const client = EventStoreDBClient.connectionString(connectionString);
    t.teardown(() => client.dispose());
    const raw: unknown[] = [];
    for await (const { event } of client.readStream(streamId)) raw.push(event?.metadata);
    t.match(raw, [{ $chain: { hash: stored?.hash, previousHash: GENESIS_HASH } }], 'the link is in the envelope');
  });

  t.test('a stream whose last event was stored before the chain is chained on from its hash, computed', async (t) => {
    const store = open(t);
    const client = EventStoreDBClient.connectionString(connectionString);
    t.teardown(() => client.dispose());
    const streamId = newStreamId('legacy');
    const legacy = newEvents(2);
    await client.appendToStream(
      streamId,
      legacy.map((event) =>
        jsonEvent({
          id: event.eventId,
          type: event.type,
          data: event.data,
          metadata: { schemaVersion: event.schemaVersion, metadata: event.metadata },
        }),
      ),
      { expectedRevision: NO_STREAM },
    );
    await store.append(streamId, newEvents(1), { expectedRevision: 1 });
    const [first, second, chained] = await store.readStream(streamId);
    t.same([first?.hash, second?.hash], ['', ''], 'events stored before the chain read as unchained');
    const firstHash = eventHash({ ...legacy[0]!, streamId, revision: 0, previousHash: GENESIS_HASH });
    const secondHash = eventHash({ ...legacy[1]!, streamId, revision: 1, previousHash: firstHash });
    t.equal(chained?.previousHash, secondHash, "the first chained event names its predecessor's computed hash");
    t.equal(chained?.hash, eventHash({ ...chained!, previousHash: secondHash }));
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
