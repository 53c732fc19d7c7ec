/**
 * The relay: a checkpointed subscription to the event store that publishes
 * every stored event to `identity.events.v1`, at least once. Consumers dedupe
 * by event id, so re-publishing after a crash is harmless.
 */
import { eventHeaders, eventMessageKey, topics, type EventMessageValue } from '@tessera/contracts';
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

export function toEventMessage(event: RecordedEvent) {
  const value: EventMessageValue = {
    eventId: event.eventId, streamId: event.streamId, revision: event.revision, position: event.position, type: event.type,
    schemaVersion: event.schemaVersion, data: event.data, metadata: event.metadata, recordedAt: event.recordedAt,
  };
  const correlationId = typeof event.metadata.correlationId === 'string' ? event.metadata.correlationId : '';
  return {
    key: eventMessageKey(value),
    value,
    headers: {
      [eventHeaders.eventId]: event.eventId,
      [eventHeaders.type]: event.type,
      [eventHeaders.schemaVersion]: String(event.schemaVersion),
      [eventHeaders.correlationId]: correlationId,
    },
  };
}

export async function startRelay(options: { eventStore: EventStore; bus: MessageBus; checkpoints: CheckpointStore; logger: Logger }): Promise<Relay> {
  const { eventStore, bus, checkpoints, logger } = options;
  const after = await checkpoints.load();
  let published = after;
  const subscription: Subscription = eventStore.subscribeToAll(async (event) => {
    await bus.publish(topics.identityEvents, [toEventMessage(event)]);
    published = event.position;
    await checkpoints.save(event.position);
  }, {
    after,
    onError: (error) => logger.error({ err: error }, 'relay stopped: publishing failed'),
  });
  logger.info({ after }, 'relay started');
  return {
    caughtUp: subscription.caughtUp,
    position: () => published,
    stop: () => subscription.stop(),
  };
}
