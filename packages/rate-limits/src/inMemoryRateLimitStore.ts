import { LRUCache } from 'lru-cache';
import { windowOf, type RateLimitStore } from './rateLimitStore.ts';

/** Options of {@link createInMemoryRateLimitStore}. */
export interface InMemoryRateLimitStoreOptions {
  /** Where windows are read from; tests move it. */
  clock?: () => Date;
  /** Keys remembered at most (default 100,000); past it the least recently hit are forgotten first. */
  maxKeys?: number;
}

/**
 * Counts in this process only: right for one gateway (the embedded default).
 * Several gateways on it each allow the full limit.
 */
export function createInMemoryRateLimitStore(options: InMemoryRateLimitStoreOptions = {}): RateLimitStore {
  const clock = options.clock ?? (() => new Date());
  const maxKeys = options.maxKeys ?? 100_000;
  // Past maxKeys the least recently hit is forgotten first.
  const windows = new LRUCache<string, { start: number; count: number }>({ max: maxKeys });
  return {
    async hit(key, windowMs) {
      const { start, resetInMs } = windowOf(clock().getTime(), windowMs);
      const slot = `${windowMs}:${key}`;
      // get() already makes the slot the most recently hit: a hit in the same window only counts.
      const known = windows.get(slot);
      if (known?.start === start) return { count: ++known.count, resetInMs };
      windows.set(slot, { start, count: 1 });
      return { count: 1, resetInMs };
    },
    ping: async () => undefined,
    close: async () => {
      windows.clear();
    },
  };
}
