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
  const loop = new PollingLoop(options);
  return {
    caughtUp: loop.caughtUp,
    get position() {
      return loop.position;
    },
    stop: () => loop.stop(),
    wake: () => loop.wake(),
  };
}

/** The reading loop of one subscription and what it has got to. */
class PollingLoop {
  readonly caughtUp: Promise<void>;
  #position: number;
  readonly #options: PollingSubscriptionOptions;
  readonly #resolveCaughtUp: () => void;
  readonly #rejectCaughtUp: (reason: unknown) => void;
  readonly #finished: Promise<void>;
  #stopping = false;
  // Set by wake() and cleared before each read, so an append signalled while
  // a handler runs is not lost until the next poll tick.
  #signalled = false;
  #interruptWait: (() => void) | undefined;
  #isCaughtUp = false;

  constructor(options: PollingSubscriptionOptions) {
    this.#options = options;
    this.#position = options.after ?? 0;
    const { promise, resolve, reject } = createCaughtUpSignal();
    this.caughtUp = promise;
    this.#resolveCaughtUp = resolve;
    this.#rejectCaughtUp = reject;
    this.#finished = this.#run();
  }

  /** Position of the last event handled. */
  get position(): number {
    return this.#position;
  }

  stop(): Promise<void> {
    this.#stopping = true;
    this.#interruptWait?.();
    return this.#finished;
  }

  wake(): void {
    this.#signalled = true;
    this.#interruptWait?.();
  }

  #nextSignal(): Promise<void> {
    if (this.#signalled || this.#stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.#interruptWait = undefined;
        resolve();
      };
      const timer = setTimeout(finish, this.#options.pollIntervalMs);
      // A live subscription alone must not keep the process running.
      timer.unref();
      this.#interruptWait = finish;
    });
  }

  async #run(): Promise<void> {
    const options = this.#options;
    // Lets subscribeToAll return before the first delivery, so handlers can
    // refer to the subscription they belong to.
    await Promise.resolve();
    try {
      while (!this.#stopping) {
        this.#signalled = false;
        const page = options.readPage(this.#position, pageSize);
        for (const event of page) {
          if (this.#stopping) return;
          await options.handler(event);
          this.#position = event.position;
        }
        const reachedHead = page.length < pageSize;
        if (!this.#isCaughtUp && (reachedHead || this.#position >= options.headPosition)) {
          this.#isCaughtUp = true;
          this.#resolveCaughtUp();
        }
        if (reachedHead) await this.#nextSignal();
      }
    } catch (error) {
      this.#stopping = true;
      try {
        options.onError?.(error);
      } catch {
        // A failing error callback has nowhere further to report to.
      }
    } finally {
      if (!this.#isCaughtUp) this.#rejectCaughtUp(new Error('subscription ended before catching up'));
      options.onEnd();
    }
  }
}
