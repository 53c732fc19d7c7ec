/**
 * The port behind rate limits: hits counted per key in fixed windows. Every
 * gateway that uses one shared store (MongoDB) counts into the same windows,
 * so a limit holds across instances; the in-memory store counts for one
 * process.
 */

/** One window's count as a hit leaves it. */
export interface WindowCount {
  /** Hits on the key in the current window, this one included. */
  count: number;
  /** Milliseconds until the window ends and the count starts again from zero. */
  resetInMs: number;
}

export interface RateLimitStore {
  /**
   * Counts one hit on `key` in its current window and answers the window's
   * count. Windows are `windowMs` long and aligned to multiples of it since
   * the epoch, on the store's clock; a key hit with two window lengths has two
   * counts. The count is exact up to `limit + 1`; past that a store may stop
   * counting and answer any number above `limit`. Concurrent hits may each see
   * the others, but never fewer hits than came before them: while a key stays
   * within `limit`, every hit sees a count within it.
   */
  hit(key: string, windowMs: number, limit: number): Promise<WindowCount>;
  /** Resolves when the backing server answers (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The window holding `nowMs`, and how long until it ends. */
export function windowOf(nowMs: number, windowMs: number): { start: number; resetInMs: number } {
  if (!Number.isInteger(windowMs) || windowMs <= 0)
    throw new RangeError(`a window is a positive whole number of milliseconds (got ${windowMs})`);
  const start = nowMs - (nowMs % windowMs);
  return { start, resetInMs: start + windowMs - nowMs };
}
