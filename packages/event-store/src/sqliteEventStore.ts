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
 *
 * Known stream ends (knownStreamEnds.ts): the store remembers how far each
 * stream it has read or appended goes, so reading a stream past its end
 * answers at once without a query.
 */
import type Database from 'better-sqlite3';
import type {
  AppendResult,
  ChainLink,
  ChainUpgrade,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from './eventStore.ts';
import { createKnownStreamEnds } from './knownStreamEnds.ts';
import type { KnownStreamEnds } from './knownStreamEnds.ts';
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
  /** How many streams' ends are remembered; default 100,000. */
  knownStreamEnds?: number;
}

/**
 * Creates an event store backed by SQLite. Omitting `expectedRevision` on
 * append means 'any'. A subscription's `position` starts at its `after`, and
 * its `caughtUp` rejects if it stops (or its handler fails) before catching up.
 */
export function createSqliteEventStore(options: SqliteEventStoreOptions): EventStore {
  const store = new SqliteEventStore(options);
  // A plain object of functions rather than the instance: callers may pass a
  // method on alone, or spread the store to wrap one of its methods.
  return {
    append: (streamId, events, appendOptions) => store.append(streamId, events, appendOptions),
    readStream: (streamId, readOptions) => store.readStream(streamId, readOptions),
    readAll: (readOptions) => store.readAll(readOptions),
    subscribeToAll: (handler, subscribeOptions) => store.subscribeToAll(handler, subscribeOptions),
    headPosition: () => store.headPosition(),
    chainUpgrade: () => store.chainUpgrade(),
    readChain: (readOptions) => store.readChain(readOptions),
    close: () => store.close(),
  };
}

/** One append waiting for its group's transaction. */
interface PendingAppend {
  streamId: string;
  events: EventToAppend[];
  expected: ExpectedRevision;
  settle: (outcome: AppendOutcome) => void;
}

type AppendOutcome = { result: AppendResult } | { error: unknown };

/** One connection to the file, its group of pending appends and its live subscriptions. */
class SqliteEventStore {
  readonly #db: Database.Database;
  readonly #statements: Statements;
  readonly #pollIntervalMs: number;
  readonly #subscriptions = new Set<PollingSubscription>();
  readonly #ends: KnownStreamEnds;
  /** Runs a group of appends in one transaction, each in a savepoint of its own. */
  readonly #commitGroup: Database.Transaction<(group: PendingAppend[]) => AppendOutcome[]>;
  #pending: PendingAppend[] = [];
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: SqliteEventStoreOptions) {
    const db = openEventsDatabase(options.path, options.busyTimeoutMs ?? 5000);
    const statements = prepareStatements(db);
    this.#db = db;
    this.#statements = statements;
    this.#pollIntervalMs = options.pollIntervalMs ?? 250;

    // One append: run inside the group's transaction it becomes a savepoint,
    // undone alone if it throws.
    const appendOne = db.transaction((streamId: string, events: EventToAppend[], expected: ExpectedRevision) =>
      appendInTransaction(statements, streamId, events, expected),
    );
    this.#ends = createKnownStreamEnds(db, options.knownStreamEnds ?? 100_000);
    // IMMEDIATE takes the write lock before reading any stream's revision, so
    // two processes cannot both pass the revision check for the same stream.
    this.#commitGroup = db.transaction((group: PendingAppend[]) =>
      group.map((append): AppendOutcome => {
        try {
          return { result: appendOne(append.streamId, append.events, append.expected) };
        } catch (error) {
          return { error };
        }
      }),
    );
  }

  append(
    streamId: string,
    events: EventToAppend[],
    appendOptions?: { expectedRevision?: ExpectedRevision },
  ): Promise<AppendResult> {
    try {
      this.#assertOpen();
      if (events.length === 0) throw new Error('cannot append an empty batch');
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<AppendResult>((resolve, reject) => {
      if (this.#pending.length === 0) setImmediate(() => this.#flushAppends());
      this.#pending.push({
        streamId,
        events,
        expected: appendOptions?.expectedRevision ?? 'any',
        settle: (outcome) => ('result' in outcome ? resolve(outcome.result) : reject(outcome.error)),
      });
    });
  }

  async readStream(streamId: string, readOptions?: ReadStreamOptions): Promise<RecordedEvent[]> {
    this.#assertOpen();
    const from = readOptions?.fromRevision ?? 0;
    const maxCount = readOptions?.maxCount ?? -1;
    const end = this.#ends.get(streamId);
    if (end !== undefined && from > end) return [];
    const rows = this.#statements.readStream.all(streamId, from, maxCount);
    // Read to the end (not cut by maxCount): nothing is past the last row, or past `from` - 1 if there was none.
    if (maxCount < 0 || rows.length < maxCount)
      this.#ends.remember(streamId, rows.length > 0 ? rows.at(-1)!.revision : from - 1);
    return rows.map(toRecordedEvent);
  }

  async readAll(readOptions?: ReadAllOptions): Promise<RecordedEvent[]> {
    this.#assertOpen();
    return this.#readAllSync(readOptions?.after ?? 0, readOptions?.maxCount ?? -1);
  }

  subscribeToAll(handler: (event: RecordedEvent) => Promise<void>, subscribeOptions?: SubscribeOptions): Subscription {
    this.#assertOpen();
    const subscription = createPollingSubscription({
      ...subscribeOptions,
      handler,
      readPage: (after, limit) => this.#readAllSync(after, limit),
      headPosition: headPositionSync(this.#statements),
      pollIntervalMs: this.#pollIntervalMs,
      onEnd: () => this.#subscriptions.delete(subscription),
    });
    this.#subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<number> {
    this.#assertOpen();
    return headPositionSync(this.#statements);
  }

  async readChain(readOptions: ReadAllOptions & { dataOf: string }): Promise<ChainLink[]> {
    this.#assertOpen();
    const rows = this.#statements.readChain.all(readOptions.dataOf, readOptions.after ?? 0, readOptions.maxCount ?? -1);
    return rows.map((row) => ({
      position: row.position,
      streamId: row.stream_id,
      revision: row.revision,
      type: row.type,
      hash: row.hash ?? '',
      ...(row.data === null ? {} : { data: JSON.parse(row.data) as Record<string, unknown> }),
    }));
  }

  async chainUpgrade(): Promise<ChainUpgrade | undefined> {
    this.#assertOpen();
    const row = this.#statements.chainUpgrade.get();
    return row && { upToPosition: row.up_to_position, events: row.events, upgradedAt: row.upgraded_at };
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= this.#closeAll();
    return this.#closing;
  }

  /** Writes the appends asked for so far in one transaction, then settles each. */
  #flushAppends(): void {
    const group = this.#pending;
    this.#pending = [];
    if (group.length === 0) return;
    let outcomes: AppendOutcome[];
    let versionBefore: number | undefined;
    try {
      if (!this.#db.open) throw new Error('event store is closed');
      versionBefore = this.#ends.dataVersion();
      outcomes = this.#commitGroup.immediate(group);
    } catch (error) {
      // The transaction itself failed (locked past the busy timeout, disk full): nothing of the group was stored.
      outcomes = group.map(() => ({ error }));
    }
    if (outcomes.some((outcome) => 'result' in outcome)) {
      // Another connection's commit just before this transaction, or just after it, could have appended to
      // these streams too, in an order unknown here: then nothing is remembered.
      if (versionBefore !== undefined) {
        const committed = group.flatMap((append, index) => {
          const outcome = outcomes[index]!;
          return 'result' in outcome ? [{ streamId: append.streamId, end: outcome.result.nextExpectedRevision }] : [];
        });
        this.#ends.rememberCommitted(versionBefore, committed);
      }
      for (const subscription of this.#subscriptions) subscription.wake();
    }
    group.forEach((append, index) => append.settle(outcomes[index]!));
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('event store is closed');
  }

  async #closeAll(): Promise<void> {
    // Appends already asked for are written before the connection closes.
    this.#flushAppends();
    // Subscriptions read from the connection until they stop, so it closes last.
    await Promise.all([...this.#subscriptions].map((subscription) => subscription.stop()));
    this.#db.close();
  }

  #readAllSync(after: number, limit: number): RecordedEvent[] {
    return this.#statements.readAll.all(after, limit).map(toRecordedEvent);
  }
}

function headPositionSync(statements: Statements): number {
  return statements.head.get()?.position ?? 0;
}
