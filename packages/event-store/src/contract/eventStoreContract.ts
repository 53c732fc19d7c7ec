/**
 * The behaviour every EventStore adapter must show. Adapters run it from their
 * own test file; it assumes nothing about what the store already holds, so it
 * also runs against a shared, long-lived server.
 */
import type { Test } from 'tap';
import type { EventStore } from '../eventStore.ts';
import { appendContract } from './appendContract.ts';
import { chainContract } from './chainContract.ts';
import { readContract } from './readContract.ts';
import { subscriptionContract } from './subscriptionContract.ts';

export interface EventStoreContractOptions {
  /** Names the adapter in the test output. */
  name: string;
  /** Returns a ready store; called once per test, and the test closes it. */
  create: () => Promise<EventStore>;
}

/** Registers the contract suite as a subtest of `t`. */
export function eventStoreContract(t: Test, options: EventStoreContractOptions): Promise<unknown> {
  return t.test(`${options.name} honours the event store contract`, async (t) => {
    t.test('appending', async (t) => appendContract(t, options.create));
    t.test('reading', async (t) => readContract(t, options.create));
    t.test('subscribing', async (t) => subscriptionContract(t, options.create));
    t.test('chaining', async (t) => chainContract(t, options.create));
  });
}
