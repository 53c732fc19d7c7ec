/**
 * The event store on an EventStoreDB (KurrentDB) server, for the distributed
 * deployment: same port and behaviour as the SQLite store, positions taken
 * from the server's transaction log. See docs/adr/0008-eventstoredb-adapter.md.
 */
import { EventStoreDBClient } from '@eventstore/db-client';
import type { EventStore, RecordedEvent, SubscribeOptions, Subscription } from './eventStore.ts';
import { appendToEventStoreDb } from './eventStoreDbAppend.ts';
import { toRecordedEvent } from './eventStoreDbMapping.ts';
import { readAllAfter, readHeadPosition, readStoredStream } from './eventStoreDbReads.ts';
import { createEventStoreDbSubscription } from './eventStoreDbSubscription.ts';

export interface EventStoreDbEventStoreOptions {
  /** Client connection string, e.g. `esdb://127.0.0.1:2113?tls=false`. */
  connectionString: string;
}

/**
 * Creates an event store backed by EventStoreDB 22.6 or later; it connects on
 * first use. Omitting `expectedRevision` on append means 'any'. Event ids must
 * be lower-case UUIDs. Positions are log positions: strictly increasing, but
 * with gaps; `after` must be 0 or a position this store returned. A
 * subscription's `position` starts at its `after`, and its `caughtUp` rejects
 * if it stops (or its handler fails) before catching up.
 */
export function createEventStoreDbEventStore(options: EventStoreDbEventStoreOptions): EventStore {
  const client = EventStoreDBClient.connectionString(options.connectionString);
  const subscriptions = new Set<Subscription>();
  let closed = false;
  let closing: Promise<void> | undefined;

  function assertOpen(): void {
    if (closed) throw new Error('event store is closed');
  }

  return {
    async append(streamId, events, appendOptions) {
      assertOpen();
      return appendToEventStoreDb(client, streamId, events, appendOptions?.expectedRevision ?? 'any');
    },

    async readStream(streamId, readOptions) {
      assertOpen();
      const stored = await readStoredStream(client, streamId, {
        fromRevision: readOptions?.fromRevision ?? 0,
        ...(readOptions?.maxCount === undefined ? {} : { maxCount: readOptions.maxCount }),
      });
      return stored.map(toRecordedEvent);
    },

    async readAll(readOptions) {
      assertOpen();
      return readAllAfter(client, readOptions?.after ?? 0, readOptions?.maxCount);
    },

    subscribeToAll(handler, subscribeOptions) {
      assertOpen();
      return subscribeTracked(client, subscriptions, handler, subscribeOptions);
    },

    async headPosition() {
      assertOpen();
      return readHeadPosition(client);
    },

    close() {
      closed = true;
      closing ??= closeAll(client, subscriptions);
      return closing;
    },
  };
}

/** A subscription to $all that is forgotten once it ends, and stopped by close until then. */
function subscribeTracked(
  client: EventStoreDBClient,
  subscriptions: Set<Subscription>,
  handler: (event: RecordedEvent) => Promise<void>,
  subscribeOptions: SubscribeOptions | undefined,
): Subscription {
  const subscription = createEventStoreDbSubscription({
    ...subscribeOptions,
    client,
    handler,
    headPosition: () => readHeadPosition(client),
    onEnd: () => subscriptions.delete(subscription),
  });
  subscriptions.add(subscription);
  return subscription;
}

async function closeAll(client: EventStoreDBClient, subscriptions: Set<Subscription>): Promise<void> {
  // Subscriptions use the client's channel until they stop, so it goes last.
  await Promise.all([...subscriptions].map((subscription) => subscription.stop()));
  await client.dispose();
}
