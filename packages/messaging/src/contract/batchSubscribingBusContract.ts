import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Test } from 'tap';
import type { BatchSubscribingBus } from '../batchSubscribingBus.ts';
import type { Message } from '../messageBus.ts';
import { eventually } from './eventually.ts';

/** Options of {@link batchSubscribingBusContract}. */
export interface BatchSubscribingBusContractOptions {
  /** Adapter name shown in the test titles. */
  name: string;
  /**
   * Opens a bus that tries a failing handler `attempts` times and tells
   * `onHandlerError` of what it gave up on; each case opens its own and
   * closes it on teardown.
   */
  create: (onHandlerError: (error: unknown, topic: string, group: string) => void) => Promise<BatchSubscribingBus>;
  attempts: number;
}

const unique = (label: string): string => `${label}-${randomUUID()}`;
const message = (key: string, value: unknown): Message => ({ key, value, headers: {} });

/**
 * Behaviour every adapter offering the {@link BatchSubscribingBus}
 * capability must show, besides the MessageBus contract; run it from the
 * adapter's test file.
 */
export async function batchSubscribingBusContract(t: Test, options: BatchSubscribingBusContractOptions): Promise<void> {
  const open = async (t: Test) => {
    const errors: unknown[][] = [];
    const bus = await options.create((...args) => void errors.push(args));
    t.teardown(() => bus.close());
    return { bus, errors };
  };

  await t.test(`${options.name}: BatchSubscribingBus contract`, async (t) => {
    t.test('a batch group gets each publish whole, in order', async (t) => {
      const { bus } = await open(t);
      const topic = unique('events');
      const batches: unknown[][] = [];
      await bus.subscribeInBatches(topic, unique('projector'), async (messages) => {
        await sleep(5);
        batches.push(messages.map((m) => m.value));
      });
      await bus.publish(topic, [message('a', 1), message('b', 2), message('a', 3)]);
      await bus.publish(topic, [message('c', 4)]);
      t.ok(await eventually(() => batches.length >= 2), 'both publishes arrived');
      t.strictSame(batches, [[1, 2, 3], [4]], 'each whole, one after the other, in order');
    });

    t.test(
      'a failing batch is given again whole, then reported and skipped; the next publish still arrives',
      async (t) => {
        const { bus, errors } = await open(t);
        const topic = unique('events');
        const group = unique('projector');
        const tries: unknown[][] = [];
        await bus.subscribeInBatches(topic, group, async (messages) => {
          tries.push(messages.map((m) => m.value));
          if (messages.some((m) => m.value === 'poison')) throw new Error('cannot store');
        });
        await bus.publish(topic, [message('a', 'fine'), message('b', 'poison')]);
        t.ok(await eventually(() => errors.length > 0), 'given up on');
        t.strictSame(tries, Array(options.attempts).fill(['fine', 'poison']), 'every try had the whole batch');
        t.equal(errors.length, 1, 'reported once');
        t.match(errors[0], [{ message: 'cannot store' }, topic, group]);
        await bus.publish(topic, [message('a', 'next')]);
        t.ok(await eventually(() => tries.at(-1)?.[0] === 'next'));
        t.strictSame(tries.at(-1), ['next']);
      },
    );

    t.test('one group takes messages either one at a time or in batches, not both', async (t) => {
      const { bus } = await open(t);
      const topic = unique('events');
      const group = unique('projector');
      await bus.subscribe(topic, group, async () => undefined);
      await t.rejects(
        bus.subscribeInBatches(topic, group, async () => undefined),
        /already takes messages one at a time/,
      );
    });
  });
}
