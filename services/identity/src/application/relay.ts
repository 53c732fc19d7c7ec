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
  const { eventStore, logger } = options;
  const after = await options.checkpoints.load();
  const batches = createBatchPublisher(options, after);
  const subscription: Subscription = eventStore.subscribeToAll(batches.take, {
    after,
    onError: (error) => logger.error({ err: error }, 'relay stopped: publishing failed'),
  });
  logger.info({ after }, 'relay started');
  return {
    caughtUp: subscription.caughtUp.then(batches.drained),
    position: batches.position,
    stop: async () => {
      // What was read is published before stopping; a batch that cannot be is left for the next start.
      await Promise.race([batches.drained(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      batches.stop();
      await subscription.stop();
    },
  };
}

interface BatchPublisher {
  /** Takes one event read from the store; waits while reading has run two batches ahead of publishing. */
  take(event: RecordedEvent): Promise<void>;
  /** Resolves once every event taken so far is published (or publishing has stopped). */
  drained(): Promise<void>;
  /** Position of the last published event. */
  position(): number;
  /** Drops what is waiting: the next start publishes it from the checkpoint. */
  stop(): void;
}

/** One batch in flight at a time; the checkpoint moves past each batch once it is published. */
function createBatchPublisher(options: RelayOptions, after: number): BatchPublisher {
  const { checkpoints, logger } = options;
  const maxBatch = options.maxBatch ?? 500;
  let published = after;
  let stopping = false;
  let waiting: RecordedEvent[] = [];
  let flushing: Promise<void> | undefined;
  let failed: unknown;

  async function flush(): Promise<void> {
    while (waiting.length > 0 && !stopping) {
      const batch = waiting.splice(0, maxBatch);
      await publishUntilDone(options, batch, () => stopping);
      const last = batch.at(-1)!.position;
      published = last;
      options.onPublished?.(last);
      await checkpoints.save(last);
    }
  }

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

  return {
    async take(event) {
      if (failed !== undefined) throw failed;
      waiting.push(event);
      if (!flushing) startFlushing();
      // Reading runs ahead of publishing by at most two batches.
      if (waiting.length >= 2 * maxBatch) await flushing;
    },
    async drained() {
      while (flushing) await flushing;
    },
    position: () => published,
    stop() {
      stopping = true;
      waiting = [];
    },
  };
}

/** The bus being down must not lose or skip an event: the batch is retried until it is published, or the relay stops. */
async function publishUntilDone(options: RelayOptions, batch: RecordedEvent[], stopping: () => boolean) {
  const maxDelay = options.maxRetryDelayMs ?? 5000;
  for (let delay = 100; ; delay = Math.min(maxDelay, delay * 2)) {
    try {
      await options.bus.publish(topics.identityEvents, batch.map(toEventMessage));
      return;
    } catch (error) {
      if (stopping()) throw error;
      options.logger.warn(
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
