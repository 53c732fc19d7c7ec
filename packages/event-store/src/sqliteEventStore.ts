/**
 * The event store on one SQLite file: the embedded default. Several processes
 * may share the file; SQLite serialises their appends.
 */
import type { EventStore, EventToAppend, ExpectedRevision, RecordedEvent } from './eventStore.ts';
import { appendInTransaction } from './sqliteAppend.ts';
import { createPollingSubscription } from './pollingSubscription.ts';
import type { PollingSubscription } from './pollingSubscription.ts';
import { openEventsDatabase, prepareStatements, toRecordedEvent } from './sqliteSchema.ts';
import type { Statements } from './sqliteSchema.ts';

export interface SqliteEventStoreOptions {
  /** Database file path, or ':memory:' for a store private to this instance. */
  path: string;
  /** How often live subscriptions look for appends made through other connections; default 250. */
  pollIntervalMs?: number;
  /** How long an append waits for another process's write lock; default 5000. */
  busyTimeoutMs?: number;
}

/**
 * Creates an event store backed by SQLite. Omitting `expectedRevision` on
 * append means 'any'. A subscription's `position` starts at its `after`, and
 * its `caughtUp` rejects if it stops (or its handler fails) before catching up.
 */
export function createSqliteEventStore(options: SqliteEventStoreOptions): EventStore {
  const db = openEventsDatabase(options.path, options.busyTimeoutMs ?? 5000);
  const statements = prepareStatements(db);
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const subscriptions = new Set<PollingSubscription>();
  let closed = false;
  let closing: Promise<void> | undefined;

  // IMMEDIATE takes the write lock before reading the stream's revision, so
  // two processes cannot both pass the revision check for the same stream.
  const appendBatch = db.transaction((streamId: string, events: EventToAppend[], expected: ExpectedRevision) =>
    appendInTransaction(statements, streamId, events, expected),
  );

  function assertOpen(): void {
    if (closed) throw new Error('event store is closed');
  }

  async function closeAll(): Promise<void> {
    // Subscriptions read from the connection until they stop, so it closes last.
    await Promise.all([...subscriptions].map((subscription) => subscription.stop()));
    db.close();
  }

  function readAllSync(after: number, limit: number): RecordedEvent[] {
    return statements.readAll.all(after, limit).map(toRecordedEvent);
  }

  return {
    async append(streamId, events, appendOptions) {
      assertOpen();
      if (events.length === 0) throw new Error('cannot append an empty batch');
      const result = appendBatch.immediate(streamId, events, appendOptions?.expectedRevision ?? 'any');
      for (const subscription of subscriptions) subscription.wake();
      return result;
    },

    async readStream(streamId, readOptions) {
      assertOpen();
      const rows = statements.readStream.all(streamId, readOptions?.fromRevision ?? 0, readOptions?.maxCount ?? -1);
      return rows.map(toRecordedEvent);
    },

    async readAll(readOptions) {
      assertOpen();
      return readAllSync(readOptions?.after ?? 0, readOptions?.maxCount ?? -1);
    },

    subscribeToAll(handler, subscribeOptions) {
      assertOpen();
      const subscription = createPollingSubscription({
        ...subscribeOptions,
        handler,
        readPage: readAllSync,
        headPosition: headPositionSync(statements),
        pollIntervalMs,
        onEnd: () => subscriptions.delete(subscription),
      });
      subscriptions.add(subscription);
      return subscription;
    },

    async headPosition() {
      assertOpen();
      return headPositionSync(statements);
    },

    close() {
      closed = true;
      closing ??= closeAll();
      return closing;
    },
  };
}

function headPositionSync(statements: Statements): number {
  return statements.head.get()?.position ?? 0;
}
