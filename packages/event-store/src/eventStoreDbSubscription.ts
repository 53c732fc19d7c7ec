/**
 * A catch-up subscription to $all on EventStoreDB's own subscription stream,
 * with the port's semantics: one handler call at a time, `caughtUp` once the
 * events stored at the start are handled, nothing after stop or a failure.
 */
import { excludeSystemEvents } from '@eventstore/db-client';
import type { AllStreamSubscription, EventStoreDBClient } from '@eventstore/db-client';
import type { RecordedEvent, SubscribeOptions, Subscription } from './eventStore.ts';
import { isSystemEvent, toReadPosition, toRecordedEvent } from './eventStoreDbMapping.ts';
import { createCaughtUpSignal } from './caughtUpSignal.ts';

export interface EventStoreDbSubscriptionOptions extends SubscribeOptions {
  client: EventStoreDBClient;
  handler: (event: RecordedEvent) => Promise<void>;
  /** Position of the last stored event, read when the subscription starts. */
  headPosition: () => Promise<number>;
  /** Called once when the subscription has ended, whatever the reason. */
  onEnd: () => void;
}

/**
 * Starts delivering right away. Awaiting `stop()` from inside the handler
 * would wait for itself; call it without awaiting there. `caughtUp` rejects
 * if the subscription ends before catching up.
 */
export function createEventStoreDbSubscription(options: EventStoreDbSubscriptionOptions): Subscription {
  const delivery = new EventStoreDbDelivery(options);
  return {
    caughtUp: delivery.caughtUp,
    get position() {
      return delivery.position;
    },
    stop: () => delivery.stop(),
  };
}

/** The server's subscription stream, the loop handing its events over, and what it has got to. */
class EventStoreDbDelivery {
  readonly caughtUp: Promise<void>;
  readonly #options: EventStoreDbSubscriptionOptions;
  readonly #resolveCaughtUp: () => void;
  readonly #rejectCaughtUp: (reason: unknown) => void;
  readonly #source: AllStreamSubscription;
  readonly #finished: Promise<void>;
  #position: number;
  #stopping = false;
  #released = false;
  #settled = false;
  #head = Infinity;

  constructor(options: EventStoreDbSubscriptionOptions) {
    this.#options = options;
    this.#position = options.after ?? 0;

    const { promise, resolve, reject } = createCaughtUpSignal();
    this.caughtUp = promise;
    this.#resolveCaughtUp = resolve;
    this.#rejectCaughtUp = reject;

    // The server filters its own event types out; its streams are skipped below.
    this.#source = options.client.subscribeToAll({
      fromPosition: toReadPosition(this.#position),
      filter: excludeSystemEvents(),
    });
    // Errors reach the loop through the iterator; this listener only keeps one
    // raised after the loop has let go of the stream from crashing the process.
    this.#source.on('error', () => undefined);

    this.#finished = this.#run();
  }

  /** Position of the last event handled. */
  get position(): number {
    return this.#position;
  }

  stop(): Promise<void> {
    this.#stopping = true;
    this.#release();
    return this.#finished;
  }

  // The server's own caught-up signal arrives ahead of the events still
  // buffered for the handler, so catching up is judged by the head instead.
  #checkCaughtUp(): void {
    if (this.#settled || this.#position < this.#head) return;
    this.#settled = true;
    this.#resolveCaughtUp();
  }

  #release(): void {
    if (this.#released) return;
    this.#released = true;
    // Ending the stream wakes a loop waiting for the next event; cancelling
    // the call tells the server to stop sending.
    this.#source.destroy();
    this.#source.unsubscribe().catch(() => undefined);
  }

  async #run(): Promise<void> {
    try {
      this.#head = await this.#options.headPosition();
      this.#checkCaughtUp();
      for await (const { event } of this.#source) {
        if (this.#stopping) break;
        if (event === undefined || isSystemEvent(event)) continue;
        const recorded = toRecordedEvent(event);
        // A start position is a record boundary the server may deliver again.
        if (recorded.position <= this.#position) continue;
        await this.#options.handler(recorded);
        this.#position = recorded.position;
        this.#checkCaughtUp();
        if (this.#stopping) break;
      }
      if (!this.#stopping) this.#report(new Error('EventStoreDB ended the subscription'));
    } catch (error) {
      // Once stopping, the error is the stream being ended on purpose.
      if (!this.#stopping) this.#report(error);
    } finally {
      this.#stopping = true;
      this.#release();
      if (!this.#settled) {
        this.#settled = true;
        this.#rejectCaughtUp(new Error('subscription ended before catching up'));
      }
      this.#options.onEnd();
    }
  }

  #report(error: unknown): void {
    try {
      this.#options.onError?.(error);
    } catch {
      // A failing error callback has nowhere further to report to.
    }
  }
}
