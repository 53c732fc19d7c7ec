import type { EventData, EventMessageValue, IdentityEventType } from '@tessera/contracts';

/** An identity event as projections read it: its `data` is the contract's for its `type`. */
export type ProjectedEvent = {
  [K in IdentityEventType]: Omit<EventMessageValue, 'type' | 'data'> & { type: K; data: EventData<K> };
}[IdentityEventType];

/**
 * Reads a message's event as the contract types it. The relay publishes only
 * what identity appended, and identity appends only events of its contract,
 * so the message holds one (an event type this build does not know yet is
 * still seen by projections, which leave it alone).
 */
export function asProjectedEvent(value: EventMessageValue): ProjectedEvent {
  return value as ProjectedEvent;
}

/** The user an event is about; empty for the events of API clients. */
export function userIdOf(event: ProjectedEvent): string {
  return 'userId' in event.data ? event.data.userId : '';
}
