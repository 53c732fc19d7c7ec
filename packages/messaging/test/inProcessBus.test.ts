import t from 'tap';
import type { Test } from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInProcessBus, RequestTimeoutError } from '../src/index.ts';
import type { BatchSubscribingBus, InProcessBusOptions } from '../src/index.ts';
import { batchSubscribingBusContract, messageBusContract } from '../src/contract/index.ts';
import { eventually, message } from '@tessera/testing';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function open(t: Test, options: InProcessBusOptions = {}): { bus: BatchSubscribingBus; errors: unknown[][] } {
  const errors: unknown[][] = [];
  const bus = createInProcessBus({
    retry: { attempts: 3, delayMs: 5 },
    onHandlerError: (...args) => void errors.push(args),
    ...options,
  });
  t.teardown(() => bus.close());
  return { bus, errors };
}

void messageBusContract(t, {
  name: 'in-process',
  create: async () => createInProcessBus({ retry: { attempts: 3, delayMs: 5 }, onHandlerError: () => undefined }),
});

void batchSubscribingBusContract(t, {
  name: 'in-process',
  create: async (onHandlerError) => createInProcessBus({ retry: { attempts: 3, delayMs: 5 }, onHandlerError }),
  attempts: 3,
});

t.test('publish resolves once every group has handled the messages', async (t) => {
  const { bus } = open(t);
  const seen: Record<'a' | 'b', unknown[]> = { a: [], b: [] };
  await bus.subscribe('accounts', 'fast', async (m) => void seen.a.push(m.value));
  await bus.subscribe('accounts', 'slow', async (m) => {
    await sleep(10);
    seen.b.push(m.value);
  });
  await bus.publish('accounts', [message('k', 1), message('k', 2)]);
  t.strictSame(seen, { a: [1, 2], b: [1, 2] });
});

t.test('concurrent publishes keep per-key order', async (t) => {
  const { bus } = open(t);
  const handled: number[] = [];
  await bus.subscribe('orders', 'g', async (m) => {
    await sleep(Math.floor(Math.random() * 3));
    handled.push(m.value as number);
  });
  await Promise.all(Array.from({ length: 20 }, (_, i) => bus.publish('orders', [message('same-key', i)])));
  t.strictSame(
    handled,
    Array.from({ length: 20 }, (_, i) => i),
  );
});

t.test('a slow message holds back its own key, not the others', async (t) => {
  const { bus } = open(t);
  const release = deferred();
  const handled: string[] = [];
  await bus.subscribe('commands', 'g', async (m) => {
    if (m.value === 'slow') await release.promise;
    handled.push(`${m.key}:${String(m.value)}`);
  });
  const slow = bus.publish('commands', [message('user-0', 'slow'), message('user-0', 'after')]);
  const others = Array.from({ length: 10 }, (_, i) => bus.publish('commands', [message(`user-${i + 1}`, 'quick')]));
  await eventually('five messages handled', () => handled.length >= 5);
  t.ok(
    handled.length >= 5 && !handled.includes('user-0:after'),
    'other keys were handled while the slow one waited, and its key stayed in order',
  );
  release.resolve();
  await Promise.all([slow, ...others]);
  t.equal(handled.indexOf('user-0:slow') + 1, handled.indexOf('user-0:after'), 'the slow key kept its order');
});

t.test('one key always lands on the same consumer of a group', async (t) => {
  const { bus } = open(t);
  const owners = new Map<string, Set<number>>();
  for (let c = 0; c < 3; c++) {
    await bus.subscribe('sticky', 'g', async (m) => void owners.set(m.key, (owners.get(m.key) ?? new Set()).add(c)));
  }
  const keys = Array.from({ length: 30 }, (_, i) => `key-${i}`);
  for (let round = 0; round < 3; round++)
    await bus.publish(
      'sticky',
      keys.map((key) => message(key, round)),
    );
  t.ok(
    [...owners.values()].every((consumers) => consumers.size === 1),
    'each key had one consumer',
  );
  t.equal(new Set([...owners.values()].map((consumers) => [...consumers][0])).size, 3, 'all consumers used');
});

t.test('a handler that keeps failing is retried, reported, then skipped', async (t) => {
  const { bus, errors } = open(t, { retry: { attempts: 4, delayMs: 1 } });
  const boom = new Error('boom');
  let tries = 0;
  const handled: unknown[] = [];
  await bus.subscribe('payments', 'ledger', async (m) => {
    if (m.value === 'poison') {
      tries++;
      throw boom;
    }
    handled.push(m.value);
  });
  await bus.publish('payments', [message('k', 'poison'), message('k', 'next')]);
  t.equal(tries, 4, 'tried as often as configured');
  t.strictSame(errors, [[boom, 'payments', 'ledger']], 'reported once with topic and group');
  t.strictSame(handled, ['next'], 'later messages still flow');
});

t.test('consumers never share objects with producers or each other', async (t) => {
  const { bus } = open(t);
  const value = { profile: { name: 'ada' } };
  const received: unknown[] = [];
  await bus.subscribe('profiles', 'mutator', async (m) => {
    (m.value as typeof value).profile.name = 'changed';
    received.push(m.value);
  });
  await bus.subscribe('profiles', 'reader', async (m) => void received.push(m.value));
  await bus.publish('profiles', [message('k', value)]);
  t.strictSame(value, { profile: { name: 'ada' } }, 'producer copy untouched');
  t.strictSame(received[1], { profile: { name: 'ada' } }, 'other group untouched');
  t.not(received[1], value);
});

t.test('values that are not JSON are refused at publish', async (t) => {
  const { bus } = open(t);
  await bus.subscribe('bad', 'g', async () => undefined);
  await t.rejects(bus.publish('bad', [message('k', { amount: 10n })]));
});

t.test('a failing served handler yields a generic error and is reported', async (t) => {
  const { bus, errors } = open(t);
  const internal = new Error('SELECT failed on table secrets');
  let tries = 0;
  await bus.serve('lookup', 'servers', async () => {
    tries++;
    throw internal;
  });
  await t.rejects(bus.request('lookup', message('k', {}), { timeoutMs: 1_000 }), { message: 'request handler failed' });
  t.equal(tries, 1, 'requests are not retried');
  t.strictSame(errors, [[internal, 'lookup', 'servers']]);
});

t.test('replies are copies and plain publishes to a served topic are ignored', async (t) => {
  const { bus } = open(t);
  const kept = { count: 1 };
  let served = 0;
  await bus.serve('counter', 'servers', async () => {
    served++;
    return kept;
  });
  await bus.publish('counter', [message('k', 'no one waits')]);
  const reply = (await bus.request('counter', message('k', null), { timeoutMs: 1_000 })) as typeof kept;
  reply.count = 99;
  t.equal(kept.count, 1);
  t.equal(served, 1, 'only the request was served');
  t.equal(await bus.request('counter', message('k', null), { timeoutMs: 1_000 }).then(() => 'ok'), 'ok');
});

t.test('an unserved request waits out its timeout', async (t) => {
  const { bus } = open(t);
  const started = Date.now();
  await t.rejects(bus.request('void', message('k', 1), { timeoutMs: 50 }), RequestTimeoutError);
  t.ok(Date.now() - started >= 45);
});

t.test('stop waits for the in-flight message, then delivers no more', async (t) => {
  const { bus } = open(t);
  const gate = deferred();
  const handled: unknown[] = [];
  const consumer = await bus.subscribe('jobs', 'g', async (m) => {
    await gate.promise;
    handled.push(m.value);
  });
  const published = bus.publish('jobs', [message('k', 1)]);
  await sleep(5);
  let stopped = false;
  const stopping = consumer.stop().then(() => (stopped = true));
  await sleep(5);
  t.notOk(stopped, 'stop waits while the handler runs');
  gate.resolve();
  await Promise.all([stopping, published]);
  await bus.publish('jobs', [message('k', 2)]);
  t.strictSame(handled, [1]);
});

t.test('handlers may publish to their own topic and stop their own consumer', async (t) => {
  const { bus } = open(t);
  const handled: number[] = [];
  const consumer = await bus.subscribe('countdown', 'g', async (m) => {
    const n = m.value as number;
    handled.push(n);
    if (n > 0) await bus.publish('countdown', [message('k', n - 1)]);
    else await consumer.stop();
  });
  await bus.publish('countdown', [message('k', 3)]);
  t.ok(await eventually('the countdown handled', () => handled.length === 4));
  t.strictSame(handled, [3, 2, 1, 0]);
});

t.test('close rejects waiting requests and later calls', async (t) => {
  const bus = createInProcessBus();
  await bus.serve('slow', 'servers', () => new Promise(() => undefined));
  const waiting = bus.request('slow', message('k', 1), { timeoutMs: 5_000 });
  await sleep(5);
  const closing = bus.close();
  await t.rejects(waiting, { message: 'message bus is closed' });
  await t.rejects(bus.publish('slow', [message('k', 1)]), { message: 'message bus is closed' });
  await t.rejects(bus.request('slow', message('k', 1), { timeoutMs: 10 }), { message: 'message bus is closed' });
  void closing;
});

t.test('publish waits for a batch group to handle each publish whole', async (t) => {
  const { bus } = open(t);
  const batches: unknown[][] = [];
  await bus.subscribeInBatches('events', 'projector', async (messages) => {
    await sleep(5);
    batches.push(messages.map((m) => m.value));
  });
  const one = bus.publish('events', [message('a', 1), message('b', 2), message('a', 3)]);
  const two = bus.publish('events', [message('c', 4)]);
  await one;
  t.strictSame(batches, [[1, 2, 3]], 'the first publish handled whole before publish resolved');
  await two;
  t.strictSame(batches, [[1, 2, 3], [4]], 'publishes arrive one after the other, in order');
});
