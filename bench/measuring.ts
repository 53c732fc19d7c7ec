/** What the pipeline measurements share: quantiles, an open-loop schedule, a clock and units. */
import { createLogger } from '@tessera/logging';

export interface Quantiles {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** Seconds of load before any measurement. */
export const WARMUP_SECONDS = 3;
export const silent = createLogger('bench', { level: 'silent' });
/** Milliseconds since the epoch, finer than Date.now(). */
export const now = () => performance.timeOrigin + performance.now();
export const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function quantiles(values: number[]): Quantiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
  return { count: sorted.length, p50: at(50), p99: at(99), max: sorted.at(-1) ?? NaN };
}

/** Calls `task(index)` on a fixed schedule (open loop), so latency is not queueing on the generator. */
export async function onSchedule(
  rate: number,
  seconds: number,
  task: (index: number) => Promise<void>,
  first = 0,
): Promise<number> {
  const total = Math.round(rate * seconds);
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let index = 0; index < total; index += 1) {
    const wait = start + (index * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(task(first + index));
  }
  await Promise.all(pending);
  return total;
}
