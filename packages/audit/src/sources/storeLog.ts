/**
 * The event log read through the event store port: how EventStoreDB is read
 * (its adapter hands the chain over as `hash` and `previousHash`). It keeps
 * no record of the positions it gave, so a cut tail shows only against a kept
 * checkpoint or Kafka's copy.
 */
import { CHECKPOINT_STREAM, type EventStore, type RecordedEvent } from '@tessera/event-store';
import { checkpointOf, type LogSource, type LoggedEvent } from './logSource.ts';

const PAGE = 5000;

export function storeLog(eventStore: EventStore, description: string): LogSource {
  return {
    description,
    async checkpoints() {
      const stream = await eventStore.readStream(CHECKPOINT_STREAM);
      return stream.flatMap((event) => checkpointOf(toLoggedEvent(event)) ?? []);
    },
    async *events(after) {
      for (let from = after; ;) {
        const page = await eventStore.readAll({ after: from, maxCount: PAGE });
        for (const event of page) yield toLoggedEvent(event);
        if (page.length < PAGE) return;
        from = page[page.length - 1]!.position;
      }
    },
    highestAssignedPosition: () => undefined,
    close: () => eventStore.close(),
  };
}

function toLoggedEvent(event: RecordedEvent): LoggedEvent {
  const { position, streamId, revision, eventId, type, schemaVersion, recordedAt, data, metadata } = event;
  return {
    position,
    streamId,
    revision,
    eventId,
    type,
    schemaVersion,
    recordedAt,
    data,
    metadata,
    // An event never chained has empty ones: verification names it unchained.
    hash: event.hash,
    previousHash: event.previousHash,
  };
}
