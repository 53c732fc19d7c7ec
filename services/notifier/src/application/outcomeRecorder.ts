/**
 * Records SMS outcomes in the users' streams without holding up the next SMS.
 *
 * Recording an outcome is a command round trip to identity (over Kafka in the
 * distributed mode). Awaited inside the event handler, it held every later
 * code on the same partition behind it. The dispatch is already in the
 * notifier's ledger when the outcome is handed here, marked as awaiting its
 * record; this recorder retries until identity has it, then clears the mark.
 * A notifier that stops first leaves the mark, and the next start records
 * what is still marked (`recover`). Identity keeps one outcome per event, so a
 * record made twice is harmless.
 */
import type { Logger } from '@tessera/logging';

export interface OutcomeRecorder {
  /** Runs `record` until it succeeds; a key already waiting is not added twice. */
  add(key: string, record: () => Promise<void>): void;
  /** Outcomes not recorded yet. */
  readonly pending: number;
  /** Waits for the outcomes under way (at most `timeoutMs`), then stops retrying. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface OutcomeRecorderOptions {
  logger: Logger;
  /** First pause after a failure, doubled up to `maxDelayMs` (defaults 100 and 30,000). */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export function createOutcomeRecorder(options: OutcomeRecorderOptions): OutcomeRecorder {
  const initialDelay = options.initialDelayMs ?? 100;
  const maxDelay = options.maxDelayMs ?? 30_000;
  const running = new Map<string, Promise<void>>();
  const timers = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  let stopped = false;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const entry = { timer: setTimeout(() => wake(), ms), wake: () => wake() };
      function wake() {
        clearTimeout(entry.timer);
        timers.delete(entry);
        resolve();
      }
      timers.add(entry);
    });

  async function run(key: string, record: () => Promise<void>): Promise<void> {
    for (let delay = initialDelay; !stopped; delay = Math.min(maxDelay, delay * 2)) {
      try {
        await record();
        return;
      } catch (error) {
        options.logger.warn(
          { key, retryInMs: delay, reason: error instanceof Error ? error.message : String(error) },
          'sms outcome not recorded yet, retrying',
        );
        await pause(delay);
      }
    }
  }

  return {
    add(key, record) {
      if (stopped || running.has(key)) return;
      const task = run(key, record).finally(() => running.delete(key));
      running.set(key, task);
    },
    get pending() {
      return running.size;
    },
    async stop(timeoutMs = 5000) {
      const settled = Promise.all(running.values());
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        settled,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      // What is left stays marked in the ledger for the next start; a record still under way ends with its request.
      stopped = true;
      for (const entry of [...timers]) entry.wake();
    },
  };
}
