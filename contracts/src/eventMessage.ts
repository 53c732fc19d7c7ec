/**
 * How a stored identity event travels on `identity.events.v1`: keyed by user
 * id (so one user's events stay in order), with the ids and versions a
 * consumer needs in headers so it can dedupe or skip without parsing.
 */
export interface EventMessageValue {
  eventId: string;
  streamId: string;
  revision: number;
  position: number;
  type: string;
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recordedAt: string;
  /** The event's hash in the log's chain (ADR 32): SHA-256, lowercase hex, of its content and `previousHash`. */
  hash: string;
  /** The hash of the event before it in its stream; 64 zeros for a stream's first event. */
  previousHash: string;
}

export const eventHeaders = {
  eventId: 'event-id',
  type: 'event-type',
  schemaVersion: 'schema-version',
  correlationId: 'correlation-id',
} as const;

/** The partition key: the user the event is about, else its stream. */
export function eventMessageKey(event: Pick<EventMessageValue, 'streamId' | 'data'>): string {
  const userId = event.data.userId;
  return typeof userId === 'string' ? userId : event.streamId;
}

/** Turns a stored event into the message the relay publishes (and a replay feeds to projections). */
export function toEventMessage(event: EventMessageValue): {
  key: string;
  value: EventMessageValue;
  headers: Record<string, string>;
} {
  const value: EventMessageValue = {
    eventId: event.eventId,
    streamId: event.streamId,
    revision: event.revision,
    position: event.position,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt,
    hash: event.hash,
    previousHash: event.previousHash,
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
