/**
 * A catch-up subscription to $all on EventStoreDB's own subscription stream,
 * with the port's semantics: one handler call at a time, `caughtUp` once the
 * events stored at the start are handled, nothing after stop or a failure.
 */
import { excludeSystemEvents } from '@eventstore/db-client';
import type { EventStoreDBClient } from '@eventstore/db-client';
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
  let position = options.after ?? 0;
  let stopping = false;
  let released = false;
  let settled = false;
  let head = Infinity;

  const { promise: caughtUp, resolve: resolveCaughtUp, reject: rejectCaughtUp } = createCaughtUpSignal();

  // The server filters its own event types out; its streams are skipped below.
  const source = options.client.subscribeToAll({
    fromPosition: toReadPosition(position),
    filter: excludeSystemEvents(),
  });
  // Errors reach the loop through the iterator; this listener only keeps one
  // raised after the loop has let go of the stream from crashing the process.
  source.on('error', () => undefined);

  // The server's own caught-up signal arrives ahead of the events still
  // buffered for the handler, so catching up is judged by the head instead.
  function checkCaughtUp(): void {
    if (settled || position < head) return;
    settled = true;
    resolveCaughtUp();
  }

  function release(): void {
    if (released) return;
    released = true;
    // Ending the stream wakes a loop waiting for the next event; cancelling
    // the call tells the server to stop sending.
    source.destroy();
    source.unsubscribe().catch(() => undefined);
  }

  async function run(): Promise<void> {
    try {
      head = await options.headPosition();
      checkCaughtUp();
      for await (const { event } of source) {
        if (stopping) break;
        if (event === undefined || isSystemEvent(event)) continue;
        const recorded = toRecordedEvent(event);
        // A start position is a record boundary the server may deliver again.
        if (recorded.position <= position) continue;
        await options.handler(recorded);
        position = recorded.position;
        checkCaughtUp();
        if (stopping) break;
      }
      if (!stopping) report(new Error('EventStoreDB ended the subscription'));
    } catch (error) {
      // Once stopping, the error is the stream being ended on purpose.
      if (!stopping) report(error);
    } finally {
      stopping = true;
      release();
      if (!settled) {
        settled = true;
        rejectCaughtUp(new Error('subscription ended before catching up'));
      }
      options.onEnd();
    }
  }

  function report(error: unknown): void {
    try {
      options.onError?.(error);
    } catch {
      // A failing error callback has nowhere further to report to.
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
      release();
      return finished;
    },
  };
}
