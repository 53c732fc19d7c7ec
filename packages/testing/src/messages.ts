/**
 * Builders of what travels on the bus: any message, and identity events as the
 * event store records them and the relay publishes them. Positions grow in
 * the order events are built, as in a real log.
 */
import { streams, toEventMessage, type EventMessageValue } from '@tessera/contracts';

/** A message as the bus port carries it. */
export interface BusMessage<V = unknown> {
  key: string;
  value: V;
  headers: Record<string, string>;
}

export function message<V>(key: string, value: V, headers: Record<string, string> = {}): BusMessage<V> {
  return { key, value, headers };
}

/** When the first event built was recorded; each later one a second after the one before. */
const firstRecordedAt = '2026-01-01T10:00:00.000Z';
let lastPosition = 0;

/**
 * An event as the store records it: the next position, the stream of the user
 * it names (`user-<userId>`) unless `overrides` say otherwise.
 */
export function storedEvent(
  event: { type: string; data: object },
  overrides: Partial<Omit<EventMessageValue, 'type' | 'data'>> = {},
): EventMessageValue {
  lastPosition += 1;
  const data = event.data as Record<string, unknown>;
  return {
    eventId: `evt-${lastPosition}`,
    streamId: streams.user(typeof data.userId === 'string' ? data.userId : 'u1'),
    revision: lastPosition,
    position: lastPosition,
    type: event.type,
    schemaVersion: 1,
    data,
    metadata: { correlationId: 'correlation-1' },
    recordedAt: new Date(Date.parse(firstRecordedAt) + (lastPosition - 1) * 1000).toISOString(),
    // Well-formed links of no real chain: what consumers of these messages look at is elsewhere.
    hash: lastPosition.toString(16).padStart(64, '0'),
    previousHash: '0'.repeat(64),
    ...overrides,
  };
}

/** The message the relay publishes for a stored event: contracts' own mapping, key and headers included. */
export function eventMessage(event: EventMessageValue): BusMessage<EventMessageValue> {
  return toEventMessage(event);
}
