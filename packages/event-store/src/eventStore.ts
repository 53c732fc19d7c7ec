/**
 * The event store port: streams of events with optimistic concurrency, and one
 * global order (positions) across all streams for relays and projections.
 */

/** What the writer expects the stream to look like before the append. */
export type ExpectedRevision =
  /** The stream must not exist yet (reservations, new aggregates). */
  | 'no-stream'
  /** Append whatever the stream's state. */
  | 'any'
  /** The stream's last event must have exactly this revision (0-based). */
  | number;

export interface EventToAppend {
  /** Unique id (UUID); appending a batch whose first id is already in the stream is a no-op. */
  eventId: string;
  type: string;
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export interface RecordedEvent extends EventToAppend {
  streamId: string;
  /** 0-based index of the event in its stream. */
  revision: number;
  /** Global, strictly increasing across all streams, starting at 1. */
  position: number;
  /** ISO-8601 time the store recorded the event (not hashed: EventStoreDB sets it after the append). */
  recordedAt: string;
  /** SHA-256 (lowercase hex) of the event's content and `previousHash` (ADR 32, chain.ts); empty if never chained. */
  hash: string;
  /** The hash of the event at `revision - 1` of this stream; 64 zeros for revision 0. */
  previousHash: string;
}

/** What a store did when it chained a log stored before events carried hashes (ADR 32). */
export interface ChainUpgrade {
  /** The last global position chained by the upgrade: the events a genesis checkpoint vouches for from then on. */
  upToPosition: number;
  /** How many events the upgrade chained. */
  events: number;
  /** ISO-8601 time of the upgrade. */
  upgradedAt: string;
}

export interface AppendResult {
  /** Revision of the last event now in the stream. */
  nextExpectedRevision: number;
  /** Global position of the last event of the batch. */
  position: number;
}

export interface ReadStreamOptions {
  /** First revision to return (inclusive); default 0. */
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Return events whose position is strictly greater; default 0 (from the start). */
  after?: number;
  maxCount?: number;
}

export interface SubscribeOptions {
  /** Deliver events whose position is strictly greater; default 0. */
  after?: number;
  /** Called when the handler throws; the subscription stops after it. */
  onError?: (error: unknown) => void;
}

export interface Subscription {
  /** Resolves once every event stored when the subscription started has been handled. */
  readonly caughtUp: Promise<void>;
  /** Position of the last event handled (0 before any). */
  readonly position: number;
  /** Stops delivery; resolves after the event in flight, if any, is handled. */
  stop(): Promise<void>;
}

export interface EventStore {
  /**
   * Appends events atomically to one stream.
   * @throws WrongExpectedRevisionError when the stream is not in the expected state.
   */
  append(
    streamId: string,
    events: EventToAppend[],
    options?: { expectedRevision?: ExpectedRevision },
  ): Promise<AppendResult>;
  /** Events of one stream in order; an unknown stream reads as empty. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Events of every stream in global order. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up subscription to every stream that turns live; handlers run one at a time, in order. */
  subscribeToAll(handler: (event: RecordedEvent) => Promise<void>, options?: SubscribeOptions): Subscription;
  /** Position of the last stored event (0 when empty). */
  headPosition(): Promise<number>;
  /**
   * The upgrade that chained events stored before hashes existed, if this store ran one; stores that cannot
   * rewrite their events (EventStoreDB) leave it out.
   */
  chainUpgrade?(): Promise<ChainUpgrade | undefined>;
  /**
   * The chain alone, in global order: what the checkpointer follows, without reading every event's data. Data only
   * for the events of `dataOf` (checkpoints). Stores that cannot read less than whole events leave it out.
   */
  readChain?(options: ReadAllOptions & { dataOf: string }): Promise<ChainLink[]>;
  close(): Promise<void>;
}

/** One event's place in the chain: enough to take it into the log hash. */
export interface ChainLink {
  position: number;
  streamId: string;
  revision: number;
  type: string;
  hash: string;
  /** The event's data, for the events of the stream asked for only. */
  data?: Record<string, unknown>;
}

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** Revision of the stream's last event, or 'no-stream'. */
    readonly actual: number | 'no-stream',
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}
