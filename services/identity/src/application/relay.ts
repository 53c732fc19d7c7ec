/**
 * The relay: a checkpointed subscription to the event store that publishes
 * every stored event to `identity.events.v1`, at least once. Consumers dedupe
 * by event id, so re-publishing after a crash is harmless.
 *
 * Events are published in batches, one batch in flight at a time: while one is
 * being acknowledged (a broker round trip on Kafka), the events stored
 * meanwhile gather into the next. One publish per event made every event wait
 * for all the acknowledgements before it. The checkpoint moves only past a
 * published batch, so a crash re-publishes, never skips.
 */
import { toEventMessage, topics } from '@tessera/contracts';
import type { EventStore, RecordedEvent, Subscription } from '@tessera/event-store';
import type { Logger } from '@tessera/logging';
import type { MessageBus } from '@tessera/messaging';

export interface CheckpointStore {
  load(): Promise<number>;
  save(position: number): Promise<void>;
}

export interface Relay {
  /** Resolves once everything stored at start has been published. */
  readonly caughtUp: Promise<void>;
  /** Position of the last published event. */
  position(): number;
  stop(): Promise<void>;
}

export interface RelayOptions {
  eventStore: EventStore;
  bus: MessageBus;
  checkpoints: CheckpointStore;
  logger: Logger;
  onPublished?: (position: number) => void;
  /** Longest wait between two publishing attempts while the bus is down. */
  maxRetryDelayMs?: number;
  /** Most events in one publish (default 500). */
  maxBatch?: number;
}

export async function startRelay(options: RelayOptions): Promise<Relay> {
  const { eventStore, bus, checkpoints, logger } = options;
  const maxDelay = options.maxRetryDelayMs ?? 5000;
  const after = await checkpoints.load();
  let published = after;
  let stopping = false;

  const maxBatch = options.maxBatch ?? 500;
  let waiting: RecordedEvent[] = [];
  let flushing: Promise<void> | undefined;

  // The bus being down must not lose or skip an event: keep this batch until it is published.
  async function publish(batch: RecordedEvent[]) {
    for (let delay = 100; ; delay = Math.min(maxDelay, delay * 2)) {
      try {
        await bus.publish(topics.identityEvents, batch.map(toEventMessage));
        return;
      } catch (error) {
        if (stopping) throw error;
        logger.warn(
          {
            position: batch[0]?.position,
            events: batch.length,
            retryInMs: delay,
            reason: error instanceof Error ? error.message : String(error),
          },
          'relay cannot publish, retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  async function flush(): Promise<void> {
    while (waiting.length > 0 && !stopping) {
      const batch = waiting.splice(0, maxBatch);
      await publish(batch);
      const last = batch.at(-1)!.position;
      published = last;
      options.onPublished?.(last);
      await checkpoints.save(last);
    }
  }

  let failed: unknown;
  function startFlushing(): void {
    flushing = flush()
      .catch((error: unknown) => {
        failed = error;
        logger.error({ err: error }, 'relay stopped: publishing failed');
      })
      .finally(() => {
        flushing = undefined;
        // Events read after the loop's last look would otherwise wait for the next append.
        if (waiting.length > 0 && !stopping && failed === undefined) startFlushing();
      });
  }

  const subscription: Subscription = eventStore.subscribeToAll(
    async (event) => {
      if (failed !== undefined) throw failed;
      waiting.push(event);
      if (!flushing) startFlushing();
      // Reading runs ahead of publishing by at most two batches.
      if (waiting.length >= 2 * maxBatch) await flushing;
    },
    {
      after,
      onError: (error) => logger.error({ err: error }, 'relay stopped: publishing failed'),
    },
  );
  logger.info({ after }, 'relay started');

  /** Every event read so far is published (or publishing has stopped). */
  const drained = async () => {
    while (flushing) await flushing;
  };
  return {
    caughtUp: subscription.caughtUp.then(drained),
    position: () => published,
    stop: async () => {
      // What was read is published before stopping; a batch that cannot be is left for the next start.
      const draining = drained();
      await Promise.race([draining, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      stopping = true;
      waiting = [];
      await subscription.stop();
    },
  };
}
