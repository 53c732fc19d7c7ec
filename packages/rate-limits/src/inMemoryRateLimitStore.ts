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
  // A Map iterates in insertion order: re-inserting on each hit keeps the least recently hit first.
  const windows = new Map<string, { start: number; count: number }>();
  return {
    async hit(key, windowMs) {
      const { start, resetInMs } = windowOf(clock().getTime(), windowMs);
      const slot = `${windowMs}:${key}`;
      const known = windows.get(slot);
      const count = known?.start === start ? known.count + 1 : 1;
      windows.delete(slot);
      windows.set(slot, { start, count });
      if (windows.size > maxKeys) windows.delete(windows.keys().next().value!);
      return { count, resetInMs };
    },
    ping: async () => undefined,
    close: async () => {
      windows.clear();
    },
  };
}
