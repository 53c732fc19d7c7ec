import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Test } from 'tap';
import { RequestTimeoutError } from '../messageBus.ts';
import type { Message, MessageBus } from '../messageBus.ts';
import { eventually, settle } from './eventually.ts';

/** Options of {@link messageBusContract}. */
export interface MessageBusContractOptions {
  /** Adapter name shown in the test titles. */
  name: string;
  /**
   * Opens a bus; each case opens its own and closes it on teardown. The bus may
   * be shared with other runs: every case uses fresh topic and group names.
   * Topics need at least two partitions for the consumer-split case.
   */
  create: () => Promise<MessageBus>;
}

const unique = (label: string): string => `${label}-${randomUUID()}`;
const message = (key: string, value: unknown, headers: Record<string, string> = {}): Message => ({
  key,
  value,
  headers,
});
const dedupe = <T>(items: T[]): T[] => [...new Set(items)];

/** Opens a bus for one case and closes it on the case's teardown. */
type Open = (t: Test) => Promise<MessageBus>;

/** Behaviour every MessageBus adapter must show; run it from the adapter's test file. */
export async function messageBusContract(t: Test, options: MessageBusContractOptions): Promise<void> {
  const open: Open = async (t) => {
    const bus = await options.create();
    t.teardown(() => bus.close());
    return bus;
  };

  await t.test(`${options.name}: MessageBus contract`, async (t) => {
    deliveryCases(t, open);
    orderCases(t, open);
    requestReplyCases(t, open);
    liveConsumerCases(t, open);
    roundTripCases(t, open);
  });
}

/** Every group gets every message; the consumers of one group share them. */
function deliveryCases(t: Test, open: Open): void {
  t.test('every group receives every message', async (t) => {
    const bus = await open(t);
    const topic = unique('fanout');
    const seen: Record<'a' | 'b', unknown[]> = { a: [], b: [] };
    await bus.subscribe(topic, unique('group-a'), async (m) => void seen.a.push(m.value));
    await bus.subscribe(topic, unique('group-b'), async (m) => void seen.b.push(m.value));
    const values = ['m1', 'm2', 'm3', 'm4', 'm5'];
    await bus.publish(
      topic,
      values.map((value) => message('k', value)),
    );
    t.ok(
      await eventually(() => seen.a.length >= values.length && seen.b.length >= values.length),
      'both groups caught up',
    );
    t.strictSame(seen.a, values);
    t.strictSame(seen.b, values);
  });

  t.test('consumers of one group split the messages, each handled once', async (t) => {
    const bus = await open(t);
    const topic = unique('split');
    const group = unique('workers');
    const byConsumer: string[][] = [[], []];
    for (const handled of byConsumer)
      await bus.subscribe(topic, group, async (m) => void handled.push(m.value as string));
    const values = Array.from({ length: 50 }, (_, i) => `v${i}`);
    await bus.publish(
      topic,
      values.map((value) => message(`key-${value}`, value)),
    );
    const total = (): number => byConsumer.reduce((sum, handled) => sum + handled.length, 0);
    t.ok(await eventually(() => total() >= values.length), 'all messages handled');
    await settle();
    const all = byConsumer.flat();
    t.equal(all.length, values.length, 'no message handled twice');
    t.strictSame([...all].sort(), [...values].sort(), 'every message handled');
    t.ok(
      byConsumer.every((handled) => handled.length > 0),
      'both consumers took a share',
    );
  });
}

/** A key's messages keep their order, also through a handler's failure and retry. */
function orderCases(t: Test, open: Open): void {
  t.test('messages of one key keep their publish order', async (t) => {
    const bus = await open(t);
    const topic = unique('ordered');
    const group = unique('ordered-group');
    const byKey = new Map<string, number[]>();
    for (let c = 0; c < 2; c++) {
      await bus.subscribe(topic, group, async (m) => {
        await sleep(Math.random() < 0.2 ? 1 : 0);
        byKey.set(m.key, [...(byKey.get(m.key) ?? []), m.value as number]);
      });
    }
    const keys = ['alpha', 'beta', 'gamma', 'delta'];
    const sent = Array.from({ length: 100 }, (_, i) => message(keys[i % keys.length] ?? 'alpha', i));
    for (let i = 0; i < sent.length; i += 10) await bus.publish(topic, sent.slice(i, i + 10));
    const count = (): number => [...byKey.values()].reduce((sum, list) => sum + list.length, 0);
    t.ok(await eventually(() => count() >= sent.length), 'all messages handled');
    for (const key of keys) {
      const expected = sent.filter((m) => m.key === key).map((m) => m.value);
      t.strictSame(dedupe(byKey.get(key) ?? []), expected, `order kept for ${key}`);
    }
  });

  t.test('a message whose handler throws is delivered again', async (t) => {
    const bus = await open(t);
    const topic = unique('retry');
    const handled: string[] = [];
    let tries = 0;
    await bus.subscribe(topic, unique('retry-group'), async (m) => {
      if (m.value === 'first' && ++tries === 1) throw new Error('transient failure');
      handled.push(m.value as string);
    });
    await bus.publish(topic, [message('k', 'first'), message('k', 'second')]);
    t.ok(await eventually(() => handled.includes('second')), 'later message handled');
    t.ok(tries >= 2, 'failed message tried again');
    t.strictSame(dedupe(handled), ['first', 'second'], 'key order kept through the retry');
  });
}

/** A request gets its own reply, a generic failure, or a timeout. */
function requestReplyCases(t: Test, open: Open): void {
  t.test('request gets the reply of the served handler', async (t) => {
    const bus = await open(t);
    const topic = unique('rpc');
    await bus.serve(topic, unique('servers'), async (request) => ({
      greeting: `hello ${(request.value as { name: string }).name}`,
      trace: request.headers['trace-id'],
    }));
    const names = ['ada', 'grace', 'alan', 'edsger'];
    const replies = await Promise.all(
      names.map((name) =>
        bus.request(topic, message(name, { name }, { 'trace-id': `t-${name}` }), { timeoutMs: 10_000 }),
      ),
    );
    t.strictSame(
      replies,
      names.map((name) => ({ greeting: `hello ${name}`, trace: `t-${name}` })),
      'each request got its own reply',
    );
  });

  t.test('a failing served handler fails the request without leaking why', async (t) => {
    const bus = await open(t);
    const topic = unique('rpc-failing');
    await bus.serve(topic, unique('servers'), async () => {
      throw new Error('connection to db-7 refused: password hunter2');
    });
    const error = await bus.request(topic, message('k', {}), { timeoutMs: 10_000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    t.ok(error instanceof Error, 'request rejected');
    t.notOk(error instanceof RequestTimeoutError, 'rejected by the failure, not a timeout');
    t.notMatch(String((error as Error | undefined)?.message), /hunter2|db-7/, 'internal detail kept back');
  });

  t.test('a request nobody serves times out', async (t) => {
    const bus = await open(t);
    const topic = unique('rpc-unserved');
    const timeoutMs = 300;
    const started = Date.now();
    const error = await bus.request(topic, message('k', 'ping'), { timeoutMs }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const elapsed = Date.now() - started;
    t.ok(error instanceof RequestTimeoutError, 'rejected with RequestTimeoutError');
    t.equal((error as RequestTimeoutError | undefined)?.topic, topic);
    t.ok(elapsed < timeoutMs + 2_000, `rejected within the timeout (${elapsed} ms)`);
  });
}

/** What `hasLiveConsumers` tells as consumers come and go. */
function liveConsumerCases(t: Test, open: Open): void {
  t.test('a group has live consumers while one serves or subscribes, and none once they stopped', async (t) => {
    const bus = await open(t);
    const topic = unique('live');
    const group = unique('live-servers');
    t.equal(await bus.hasLiveConsumers(topic, group), false, 'none before anybody joined');
    const server = await bus.serve(topic, group, async () => 'pong');
    const reader = await bus.subscribe(topic, group, async () => undefined);
    t.equal(await bus.hasLiveConsumers(topic, group), true, 'live while they run');
    t.equal(
      await bus.hasLiveConsumers(unique('other-topic'), group),
      false,
      'not on a topic the group does not consume',
    );
    t.equal(await bus.hasLiveConsumers(topic, unique('other-group')), false, 'not for another group');
    await server.stop();
    t.equal(await bus.hasLiveConsumers(topic, group), true, 'live while one of them still runs');
    await reader.stop();
    // A Kafka member leaves its group as it disconnects; the coordinator may take a moment to say so.
    let live = true;
    for (const deadline = Date.now() + 10_000; live && Date.now() < deadline; await sleep(50))
      live = await bus.hasLiveConsumers(topic, group);
    t.equal(live, false, 'none once both stopped');
  });
}

/** What a message carries arrives unchanged. */
function roundTripCases(t: Test, open: Open): void {
  t.test('keys, headers and JSON values round-trip', async (t) => {
    const bus = await open(t);
    const topic = unique('roundtrip');
    const received: Message[] = [];
    await bus.subscribe(topic, unique('readers'), async (m) => void received.push(m));
    const sent = [
      message(
        'user-1',
        {
          text: 'zürich ✓ 日本 "quoted"',
          integer: 42,
          fraction: -1.5,
          yes: true,
          no: false,
          nothing: null,
          list: [1, 'two', { three: 3 }, []],
          nested: { deep: { deeper: ['x'] } },
        },
        { 'content-type': 'application/json', 'trace-id': randomUUID(), empty: '' },
      ),
      message('user-1', 'plain string'),
      message('user-1', 7),
      message('user-1', null, { only: 'header' }),
    ];
    await bus.publish(topic, sent);
    t.ok(await eventually(() => received.length >= sent.length), 'all messages received');
    t.strictSame(received, sent);
  });
}
