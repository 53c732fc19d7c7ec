/**
 * The one place that reads a stream, decides and appends, retrying when
 * another writer got there first (optimistic concurrency). Like Emmett's
 * `handleCommand`, it returns what it made: the decision, the new state and
 * the position, so a handler builds its reply from the result.
 */
import { timeOrderedUuid } from '@tessera/crypto';
import { isIdentityEventType, schemaVersionOf, type EventMetadata, type IdentityEvent } from '@tessera/contracts';
import { WrongExpectedRevisionError, type EventStore, type RecordedEvent } from '@tessera/event-store';
import type { Decision } from '../domain/decision.ts';
import type { StreamStateCache, StreamTail } from './streamStateCache.ts';

const MAX_ATTEMPTS = 8;

export interface LoadedStream<S> {
  state: S;
  /** Revision of the last event, or undefined for an empty stream. */
  revision: number | undefined;
  /** The stream's last event, or undefined for an empty stream. */
  lastEvent: StreamTail | undefined;
}

export function toIdentityEvent(recorded: RecordedEvent): IdentityEvent | undefined {
  if (!isIdentityEventType(recorded.type)) return undefined;
  return { type: recorded.type, data: recorded.data } as IdentityEvent;
}

/** A stream's state: rebuilt from its events, or from the cached state and the events appended since. */
export async function loadStream<S>(
  store: EventStore,
  streamId: string,
  evolve: (state: S, event: IdentityEvent) => S,
  initial: () => S,
  cache?: StreamStateCache,
): Promise<LoadedStream<S>> {
  const cached = cache?.get(streamId);
  const events = await store.readStream(streamId, cached ? { fromRevision: cached.revision + 1 } : undefined);
  let state = cached ? (cached.state as S) : initial();
  for (const recorded of events) {
    const event = toIdentityEvent(recorded);
    if (event) state = evolve(state, event);
  }
  const lastEvent = events.at(-1) ?? cached?.lastEvent;
  // Empty streams are not held: unknown emails must not push real users out.
  if (cache && lastEvent && events.length > 0) cache.set(streamId, { state, revision: lastEvent.revision, lastEvent });
  return { state, revision: lastEvent?.revision, lastEvent };
}

/**
 * What deciding a command on a stream made, for the caller to build its reply
 * from: the decision (its events, or why it was refused) and the stream's state
 * after it.
 */
export interface CommandOutcome<S> {
  decision: Decision;
  /** The state the decision's events made; the state decided on when it recorded none. */
  state: S;
  /** Global position of the last appended event; undefined when nothing was appended. */
  position?: number;
}

export async function decideAndAppend<S>(
  store: EventStore,
  streamId: string,
  evolve: (state: S, event: IdentityEvent) => S,
  initial: () => S,
  decide: (state: S, stream: LoadedStream<S>) => Decision | Promise<Decision>,
  metadata: EventMetadata,
  cache?: StreamStateCache,
): Promise<CommandOutcome<S>> {
  for (let attempt = 1; ; attempt += 1) {
    const stream = await loadStream(store, streamId, evolve, initial, cache);
    const decision = await decide(stream.state, stream);
    if (decision.events.length === 0) return { decision, state: stream.state };
    const appended = decision.events.map((event) => ({
      // Time-ordered: the event-id index then grows at its end, not on a random page per event.
      eventId: timeOrderedUuid(),
      type: event.type,
      schemaVersion: schemaVersionOf(event.type),
      data: event.data as Record<string, unknown>,
      metadata: { ...metadata },
    }));
    try {
      const result = await store.append(streamId, appended, { expectedRevision: stream.revision ?? 'no-stream' });
      const state = decision.events.reduce(evolve, stream.state);
      // The next command on this stream starts from the state this append made, instead of reading its events back.
      if (cache) {
        const last = appended.at(-1)!;
        const lastEvent: StreamTail = {
          ...last,
          streamId,
          revision: result.nextExpectedRevision,
          position: result.position,
          recordedAt: new Date().toISOString(),
        };
        cache.set(streamId, { state, revision: result.nextExpectedRevision, lastEvent });
      }
      return { decision, state, position: result.position };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
