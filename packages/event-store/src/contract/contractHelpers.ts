/**
 * Helpers shared by the contract suites. They assume a store that may be
 * shared with other writers, so everything is scoped to fresh stream ids.
 */
import { randomUUID } from 'node:crypto';
import type { Test } from 'tap';
import type { EventStore, EventToAppend, RecordedEvent, Subscription } from '../eventStore.ts';

/** Builds a fresh store for one test. */
export type CreateStore = () => Promise<EventStore>;

/** Opens a store that is closed when the test ends. */
export async function openStore(t: Test, create: CreateStore): Promise<EventStore> {
  const store = await create();
  t.teardown(() => store.close());
  return store;
}

/** A stream id no other test (or earlier run against a shared store) uses. */
export function newStreamId(prefix = 'contract'): string {
  return `${prefix}-${randomUUID()}`;
}

/** An event with a fresh id. */
export function newEvent(type = 'ContractTested', data: Record<string, unknown> = {}): EventToAppend {
  return { eventId: randomUUID(), type, schemaVersion: 1, data, metadata: { source: 'contract' } };
}

/** `count` fresh events numbered in their data. */
export function newEvents(count: number, type?: string): EventToAppend[] {
  return Array.from({ length: count }, (_, index) => newEvent(type, { index }));
}

/** What a promise rejected with; fails loudly if it resolved instead. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** Waits until the predicate holds; rejects with `what` when it does not in time. */
export async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Events a subscription delivered for the streams a test owns, in delivery order. */
export interface Collector {
  subscription: Subscription;
  received: RecordedEvent[];
  /** Every delivery, including other streams', to check global ordering. */
  positions: number[];
  errors: unknown[];
}

/** Subscribes from `after`, keeping the events of `streamIds`; stopped when the test ends. */
export function collect(t: Test, store: EventStore, streamIds: string[], after: number): Collector {
  const owned = new Set(streamIds);
  const collector: Omit<Collector, 'subscription'> = { received: [], positions: [], errors: [] };
  const subscription = store.subscribeToAll(
    async (event) => {
      collector.positions.push(event.position);
      if (owned.has(event.streamId)) collector.received.push(event);
    },
    { after, onError: (error) => collector.errors.push(error) },
  );
  t.teardown(() => subscription.stop());
  return { ...collector, subscription };
}

/** Event ids in order, for comparing what was appended with what came back. */
export function idsOf(events: Array<{ eventId: string }>): string[] {
  return events.map((event) => event.eventId);
}

/** Whether every number is greater than the one before it. */
export function strictlyIncreasing(values: number[]): boolean {
  return values.every((value, index) => index === 0 || value > (values[index - 1] ?? -Infinity));
}
