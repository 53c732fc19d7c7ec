/**
 * The relay: a checkpointed subscription to the event store that publishes
 * every stored event to `identity.events.v1`, at least once. Consumers dedupe
 * by event id, so re-publishing after a crash is harmless.
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
}

export async function startRelay(options: RelayOptions): Promise<Relay> {
  const { eventStore, bus, checkpoints, logger } = options;
  const maxDelay = options.maxRetryDelayMs ?? 5000;
  const after = await checkpoints.load();
  let published = after;
  let stopping = false;

  // The bus being down must not lose or skip an event: keep this one until it is published.
  async function publish(event: RecordedEvent) {
    for (let delay = 100; ; delay = Math.min(maxDelay, delay * 2)) {
      try {
        await bus.publish(topics.identityEvents, [toEventMessage(event)]);
        return;
      } catch (error) {
        if (stopping) throw error;
        logger.warn({ position: event.position, retryInMs: delay, reason: error instanceof Error ? error.message : String(error) }, 'relay cannot publish, retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  const subscription: Subscription = eventStore.subscribeToAll(async (event) => {
    await publish(event);
    published = event.position;
    options.onPublished?.(event.position);
    await checkpoints.save(event.position);
  }, {
    after,
    onError: (error) => logger.error({ err: error }, 'relay stopped: publishing failed'),
  });
  logger.info({ after }, 'relay started');
  return {
    caughtUp: subscription.caughtUp,
    position: () => published,
    stop: () => {
      stopping = true;
      return subscription.stop();
    },
  };
}
