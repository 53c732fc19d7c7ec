import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `check` until it answers something other than `undefined` or `false`,
 * and resolves with that answer; after `timeoutMs` it rejects, naming `what`
 * (and the last error `check` threw, if any). Consumers, brokers and child
 * processes act on their own schedule, so a test waits for the outcome it
 * expects instead of sleeping a guessed amount.
 */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  intervalMs = 10,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await sleep(intervalMs);
  }
  throw new Error(`timed out waiting for ${what}${lastError === undefined ? '' : `: ${String(lastError)}`}`);
}
