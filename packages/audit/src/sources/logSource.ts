/**
 * Where a verification or an export reads the event log from: the store
 * (SQLite file or EventStoreDB), an export file, or the Kafka topic. Each
 * gives the events in global order with their chain, as stored.
 */
import {
  canonicalJson,
  CHECKPOINT_EVENT_TYPE,
  CHECKPOINT_STREAM,
  type ChainedEvent,
  type SignedCheckpoint,
} from '@tessera/event-store';

/** An event as the log holds it, with its chain and the time the store recorded it. */
export interface LoggedEvent extends ChainedEvent {
  recordedAt: string;
}

/** A checkpoint as found in the log, with where its event lies (its signature not yet checked). */
export interface FoundCheckpoint {
  event: LoggedEvent;
  checkpoint: SignedCheckpoint;
}

export interface LogSource {
  /** What is read, in words: "the SQLite event store data/events.sqlite". */
  readonly description: string;
  /** Every checkpoint the log holds, in global order. */
  checkpoints(): Promise<FoundCheckpoint[]>;
  /** The events after `after`, in global order. */
  events(after: number): AsyncIterable<LoggedEvent>;
  /** The highest position the store ever assigned, where it records one (SQLite). */
  highestAssignedPosition(): number | undefined;
  close(): Promise<void>;
}

/** An event the log holds that cannot be read as one (text that is not JSON, a field missing): a break of its own. */
export class UnreadableEventError extends Error {
  constructor(
    readonly position: number,
    readonly streamId: string,
    readonly detail: string,
  ) {
    super(`position ${position}: ${detail}`);
    this.name = 'UnreadableEventError';
  }
}

export function isCheckpoint(event: Pick<ChainedEvent, 'streamId' | 'type'>): boolean {
  return event.streamId === CHECKPOINT_STREAM && event.type === CHECKPOINT_EVENT_TYPE;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/**
 * An export line's or a Kafka message's parsed value as an event, checked
 * field by field; `where` names it in the error ("line 12 of events.jsonl").
 */
export function toLoggedEvent(value: unknown, where: string, positionBefore: number): LoggedEvent {
  const record = isObject(value) ? value : {};
  const position = isCount(record.position) ? record.position : positionBefore + 1;
  const streamId = typeof record.streamId === 'string' ? record.streamId : '';
  const problem = (detail: string) => new UnreadableEventError(position, streamId, `${where} ${detail}`);
  if (!isObject(value)) throw problem('is not a JSON object');
  for (const name of ['position', 'revision', 'schemaVersion'] as const) {
    if (!isCount(record[name])) throw problem(`has no whole-number ${name}`);
  }
  for (const name of ['streamId', 'eventId', 'type'] as const) {
    if (typeof record[name] !== 'string') throw problem(`has no ${name}`);
  }
  for (const name of ['data', 'metadata'] as const) {
    if (!isObject(record[name])) throw problem(`has no ${name} object`);
  }
  for (const name of ['hash', 'previousHash'] as const) {
    if (record[name] !== undefined && typeof record[name] !== 'string') throw problem(`has a ${name} that is not text`);
  }
  return {
    position,
    streamId,
    revision: record.revision as number,
    eventId: record.eventId as string,
    type: record.type as string,
    schemaVersion: record.schemaVersion as number,
    recordedAt: typeof record.recordedAt === 'string' ? record.recordedAt : '',
    data: record.data as Record<string, unknown>,
    metadata: record.metadata as Record<string, unknown>,
    hash: record.hash as string | undefined,
    previousHash: record.previousHash as string | undefined,
  };
}

/** The checkpoint an event carries, if it is one. */
export function checkpointOf(event: LoggedEvent): FoundCheckpoint | undefined {
  return isCheckpoint(event) ? { event, checkpoint: event.data as unknown as SignedCheckpoint } : undefined;
}

/** Collects the checkpoints of a sequence of events. */
export async function collectCheckpoints(events: AsyncIterable<LoggedEvent>): Promise<FoundCheckpoint[]> {
  const found: FoundCheckpoint[] = [];
  for await (const event of events) {
    const checkpoint = checkpointOf(event);
    if (checkpoint) found.push(checkpoint);
  }
  return found;
}

/**
 * The log from copies delivered at least once and out of order (Kafka's
 * partitions): one per event id, in global order. Copies of one event must
 * be the same: a different one is a relay's alteration, named as such.
 */
export function inLogOrder(copies: Iterable<LoggedEvent>): LoggedEvent[] {
  const byId = new Map<string, LoggedEvent>();
  for (const copy of copies) {
    const first = byId.get(copy.eventId);
    if (!first) byId.set(copy.eventId, copy);
    else if (canonicalJson(first) !== canonicalJson(copy)) {
      const detail = `the topic holds two different copies of event ${copy.eventId}`;
      throw new UnreadableEventError(first.position, first.streamId, detail);
    }
  }
  return [...byId.values()].sort((a, b) => a.position - b.position);
}

/** A log held in memory as copies delivered at least once (Kafka's): put in order when first read. */
export function deliveredCopiesLog(description: string, copies: LoggedEvent[]): LogSource {
  let ordered: LoggedEvent[] | undefined;
  // Ordered inside the reading, so two different copies are a break of the log, not a failure to open it.
  async function* after(position: number): AsyncIterable<LoggedEvent> {
    ordered ??= inLogOrder(copies);
    for (const event of ordered) if (event.position > position) yield event;
  }
  return {
    description,
    checkpoints: () => collectCheckpoints(after(0)),
    events: after,
    highestAssignedPosition: () => undefined,
    close: async () => {},
  };
}
