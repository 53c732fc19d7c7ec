/**
 * The rebuilt state of recently used streams, so that loading a stream reads
 * only the events appended since it was last loaded. Without it every command
 * replays a user's whole history: the cost then grows with each login, and a
 * known email answers measurably slower than an unknown one.
 *
 * Safe with several writers: streams are append-only, so reading on from the
 * cached revision always catches up, and the append's expected revision still
 * refuses a decision taken on a state that another writer has moved past.
 */
import { LRUCache } from 'lru-cache';
import type { RecordedEvent } from '@tessera/event-store';

/** A stream's last event as a command sees it: the chain's hashes are the store's business, not the decision's. */
export type StreamTail = Omit<RecordedEvent, 'hash' | 'previousHash'>;

export interface CachedStream {
  state: unknown;
  revision: number;
  lastEvent: StreamTail;
}

export interface StreamStateCache {
  /** The state last rebuilt for `streamId`, if still held; marks it recently used. */
  get(streamId: string): CachedStream | undefined;
  /** Holds a non-empty stream's state, forgetting the least recently used past the bound. */
  set(streamId: string, entry: CachedStream): void;
  readonly size: number;
}

/** Holds nothing: every load replays the stream (`cachedStreams: 0`). */
const noCache: StreamStateCache = { get: () => undefined, set: () => undefined, size: 0 };

export function createStreamStateCache(maxStreams: number): StreamStateCache {
  if (!Number.isInteger(maxStreams) || maxStreams < 0) throw new Error('maxStreams must be a non-negative integer');
  if (maxStreams === 0) return noCache;
  const entries = new LRUCache<string, CachedStream>({ max: maxStreams });
  return {
    get: (streamId) => entries.get(streamId),
    set: (streamId, entry) => {
      entries.set(streamId, entry);
    },
    get size() {
      return entries.size;
    },
  };
}
