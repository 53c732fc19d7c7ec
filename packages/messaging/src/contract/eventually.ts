import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `check` until it holds or `timeoutMs` passes, and tells whether it
 * held. Brokers deliver on their own schedule, so suites wait for an outcome
 * instead of sleeping a guessed amount.
 */
export async function eventually(check: () => boolean, timeoutMs = 10_000, intervalMs = 10): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
  return true;
}

/**
 * Waits a while for anything that should not happen (a duplicate, a stray
 * delivery) to show up; absence cannot be polled for.
 */
export function settle(ms = 300): Promise<void> {
  return sleep(ms).then(() => undefined);
}
