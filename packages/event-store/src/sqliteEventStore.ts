/**
 * The event store on one SQLite file: the embedded default. Several processes
 * may share the file; SQLite serialises their appends.
 *
 * Group commit: the appends asked for during one turn of the event loop are
 * written in one transaction, each in a savepoint of its own, so one append's
 * failure (a wrong expected revision) leaves the others whole. A commit, and
 * the WAL checkpoint it sometimes runs, costs much more than the rows it
 * writes; concurrent commands now share it. Each append still resolves only
 * once its transaction has committed.
 */
import type { AppendResult, EventStore, EventToAppend, ExpectedRevision, RecordedEvent } from './eventStore.ts';
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

  // One append: run inside the group's transaction it becomes a savepoint,
  // undone alone if it throws.
  const appendOne = db.transaction((streamId: string, events: EventToAppend[], expected: ExpectedRevision) =>
    appendInTransaction(statements, streamId, events, expected),
  );
  interface PendingAppend {
    streamId: string;
    events: EventToAppend[];
    expected: ExpectedRevision;
    settle: (outcome: { result: AppendResult } | { error: unknown }) => void;
  }
  let pending: PendingAppend[] = [];
  // IMMEDIATE takes the write lock before reading any stream's revision, so
  // two processes cannot both pass the revision check for the same stream.
  const commitGroup = db.transaction((group: PendingAppend[]) => group.map((append) => {
    try {
      return { result: appendOne(append.streamId, append.events, append.expected) };
    } catch (error) {
      return { error };
    }
  }));

  function flushAppends(): void {
    const group = pending;
    pending = [];
    if (group.length === 0) return;
    let outcomes: Array<{ result: AppendResult } | { error: unknown }>;
    try {
      if (!db.open) throw new Error('event store is closed');
      outcomes = commitGroup.immediate(group);
    } catch (error) {
      // The transaction itself failed (locked past the busy timeout, disk full): nothing of the group was stored.
      outcomes = group.map(() => ({ error }));
    }
    if (outcomes.some((outcome) => 'result' in outcome)) {
      for (const subscription of subscriptions) subscription.wake();
    }
    group.forEach((append, index) => append.settle(outcomes[index]!));
  }

  function assertOpen(): void {
    if (closed) throw new Error('event store is closed');
  }

  async function closeAll(): Promise<void> {
    // Appends already asked for are written before the connection closes.
    flushAppends();
    // Subscriptions read from the connection until they stop, so it closes last.
    await Promise.all([...subscriptions].map((subscription) => subscription.stop()));
    db.close();
  }

  function readAllSync(after: number, limit: number): RecordedEvent[] {
    return statements.readAll.all(after, limit).map(toRecordedEvent);
  }

  return {
    append(streamId, events, appendOptions) {
      try {
        assertOpen();
        if (events.length === 0) throw new Error('cannot append an empty batch');
      } catch (error) {
        return Promise.reject(error);
      }
      return new Promise<AppendResult>((resolve, reject) => {
        if (pending.length === 0) setImmediate(flushAppends);
        pending.push({
          streamId, events, expected: appendOptions?.expectedRevision ?? 'any',
          settle: (outcome) => ('result' in outcome ? resolve(outcome.result) : reject(outcome.error)),
        });
      });
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
