/**
 * A catch-up subscription over any store that can read its global order in
 * pages: it reads until it reaches the head, then waits for a wake-up (an
 * append by this process) or a poll tick (appends by other processes).
 */
import type { RecordedEvent, SubscribeOptions, Subscription } from './eventStore.ts';
import { createCaughtUpSignal } from './caughtUpSignal.ts';

const pageSize = 500;

export interface PollingSubscriptionOptions extends SubscribeOptions {
  handler: (event: RecordedEvent) => Promise<void>;
  /** Events with a position strictly greater than `after`, in order, at most `limit`. */
  readPage: (after: number, limit: number) => RecordedEvent[];
  /** Position of the last stored event when the subscription starts. */
  headPosition: number;
  pollIntervalMs: number;
  /** Called once when the subscription has ended, whatever the reason. */
  onEnd: () => void;
}

/** A subscription the store can nudge when it has appended. */
export interface PollingSubscription extends Subscription {
  /** Signals that new events may be stored. */
  wake(): void;
}

/**
 * Starts delivering right away. Awaiting `stop()` from inside the handler
 * would wait for itself; call it without awaiting there.
 * `caughtUp` rejects if the subscription ends before catching up, so that
 * nobody waits forever on a subscription that has stopped.
 */
export function createPollingSubscription(options: PollingSubscriptionOptions): PollingSubscription {
  let position = options.after ?? 0;
  let stopping = false;
  // Set by wake() and cleared before each read, so an append signalled while
  // a handler runs is not lost until the next poll tick.
  let signalled = false;
  let interruptWait: (() => void) | undefined;
  let isCaughtUp = false;

  const { promise: caughtUp, resolve: resolveCaughtUp, reject: rejectCaughtUp } = createCaughtUpSignal();

  function nextSignal(): Promise<void> {
    if (signalled || stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(finish, options.pollIntervalMs);
      // A live subscription alone must not keep the process running.
      timer.unref();
      function finish(): void {
        clearTimeout(timer);
        interruptWait = undefined;
        resolve();
      }
      interruptWait = finish;
    });
  }

  async function run(): Promise<void> {
    // Lets subscribeToAll return before the first delivery, so handlers can
    // refer to the subscription they belong to.
    await Promise.resolve();
    try {
      while (!stopping) {
        signalled = false;
        const page = options.readPage(position, pageSize);
        for (const event of page) {
          if (stopping) return;
          await options.handler(event);
          position = event.position;
        }
        const reachedHead = page.length < pageSize;
        if (!isCaughtUp && (reachedHead || position >= options.headPosition)) {
          isCaughtUp = true;
          resolveCaughtUp();
        }
        if (reachedHead) await nextSignal();
      }
    } catch (error) {
      stopping = true;
      try {
        options.onError?.(error);
      } catch {
        // A failing error callback has nowhere further to report to.
      }
    } finally {
      if (!isCaughtUp) rejectCaughtUp(new Error('subscription ended before catching up'));
      options.onEnd();
    }
  }

  const finished = run();

  return {
    caughtUp,
    get position() {
      return position;
    },
    stop() {
      stopping = true;
      interruptWait?.();
      return finished;
    },
    wake() {
      signalled = true;
      interruptWait?.();
    },
  };
}
