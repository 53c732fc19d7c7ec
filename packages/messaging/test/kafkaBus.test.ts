import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import type { Test } from 'tap';
import { eventually, message, requireServer } from '@tessera/testing';
import { createKafkaBus } from '../src/index.ts';
import type { KafkaBusOptions, MessageBus } from '../src/index.ts';
import { messageBusContract, settle } from '../src/contract/index.ts';

// Started by deploy/local/kafka.sh, which prints this variable.
const brokers = requireServer(t, 'KAFKA_BROKERS', 'the message bus contract against Kafka');

const unique = (label: string): string => `${label}-${randomUUID()}`;

if (brokers !== undefined) {
  const create = (overrides: Partial<KafkaBusOptions> = {}): MessageBus =>
    createKafkaBus({
      brokers: brokers.split(',').map((broker) => broker.trim()),
      clientId: 'tessera-test',
      retry: { attempts: 3, delayMs: 5 },
      onHandlerError: () => undefined,
      // Rebalances log warnings by design; errors still show.
      logLevel: 'error',
      ...overrides,
    });

  const open = (t: Test, overrides: Partial<KafkaBusOptions> = {}): { bus: MessageBus; errors: unknown[][] } => {
    const errors: unknown[][] = [];
    const bus = create({ onHandlerError: (...args) => void errors.push(args), ...overrides });
    t.teardown(() => bus.close());
    return { bus, errors };
  };

  void t.test('Kafka message bus', async (t) => {
    await messageBusContract(t, { name: 'kafka', create: async () => create() });

    t.test('a group that was down gets what was published meanwhile, from its committed offsets', async (t) => {
      const { bus } = open(t);
      const topic = unique('offsets');
      const group = unique('resuming');
      const seen: unknown[] = [];
      const first = await bus.subscribe(topic, group, async (m) => void seen.push(m.value));
      await bus.publish(topic, [message('k', 'before')]);
      t.ok(await eventually('the message published while up', () => seen.length >= 1), 'handled while up');
      await first.stop();
      await bus.publish(topic, [message('k', 'while-down-1'), message('other', 'while-down-2')]);
      await bus.subscribe(topic, group, async (m) => void seen.push(m.value));
      t.ok(
        await eventually('the messages published while down', () => seen.length >= 3),
        'caught up after coming back',
      );
      await settle();
      t.strictSame([...seen].sort(), ['before', 'while-down-1', 'while-down-2'], 'each message once, nothing replayed');
    });

    t.test('a handler that keeps failing is retried, reported, then skipped', async (t) => {
      const { bus, errors } = open(t, { retry: { attempts: 4, delayMs: 1 } });
      const topic = unique('poison');
      const boom = new Error('boom');
      let tries = 0;
      const handled: unknown[] = [];
      await bus.subscribe(topic, 'ledger', async (m) => {
        if (m.value !== 'poison') return void handled.push(m.value);
        tries++;
        throw boom;
      });
      await bus.publish(topic, [message('k', 'poison'), message('k', 'next')]);
      t.ok(
        await eventually('the message after the poison one', () => handled.length >= 1),
        'later messages still flow',
      );
      t.equal(tries, 4, 'tried as often as configured');
      t.strictSame(errors, [[boom, topic, 'ledger']], 'reported once with topic and group');
      t.strictSame(handled, ['next']);
    });

    t.test('a new group starts at the log end, not at the topic start', async (t) => {
      const { bus } = open(t);
      const topic = unique('late');
      await bus.publish(topic, [message('k', 'old')]);
      const seen: unknown[] = [];
      await bus.subscribe(topic, unique('late-group'), async (m) => void seen.push(m.value));
      await bus.publish(topic, [message('k', 'new')]);
      t.ok(await eventually('the new message', () => seen.length >= 1), 'new message handled');
      await settle();
      t.strictSame(seen, ['new']);
    });

    t.test('a new group asking for the beginning reads the topic from its oldest message', async (t) => {
      const { bus } = open(t);
      const topic = unique('history');
      await bus.publish(topic, [message('k', 'first'), message('k', 'second')]);
      const seen: unknown[] = [];
      await bus.subscribe(topic, unique('history-group'), async (m) => void seen.push(m.value), { from: 'beginning' });
      await bus.publish(topic, [message('k', 'third')]);
      t.ok(
        await eventually('the history and the new message', () => seen.length >= 3),
        'history and new messages handled',
      );
      await settle();
      t.strictSame(seen, ['first', 'second', 'third'], 'in order, each once');
    });

    t.test('a request nobody answered in time is not run later, when a server comes up', async (t) => {
      const { bus } = open(t);
      const topic = unique('late-requests');
      const group = unique('late-servers');
      // A server that joins and leaves makes the group exist, so the later server reads what came meanwhile.
      await (await bus.serve(topic, group, async () => 'warm-up')).stop();
      await t.rejects(bus.request(topic, message('k', 'too late'), { timeoutMs: 300 }));
      const handled: unknown[] = [];
      await bus.serve(topic, group, async (request) => void handled.push(request.value));
      t.equal(
        await bus.request(topic, message('k', 'in time'), { timeoutMs: 10_000 }),
        undefined,
        'a live request is answered',
      );
      t.strictSame(handled, ['in time'], 'the expired request was dropped, not handled');
    });

    t.test('a handler can stop its own consumer', async (t) => {
      const { bus } = open(t);
      const topic = unique('self-stop');
      const seen: unknown[] = [];
      let stopped: Promise<void> | undefined;
      const consumer = await bus.subscribe(topic, unique('quitter'), async (m) => {
        seen.push(m.value);
        stopped = consumer.stop();
        await stopped;
      });
      await bus.publish(topic, [message('k', 'only')]);
      t.ok(await eventually('the handler to run', () => stopped !== undefined), 'handler ran');
      t.strictSame(seen, ['only']);
    });

    t.test('ping answers while the broker is up, and a closed bus refuses', async (t) => {
      const bus = create();
      await bus.ping();
      t.pass('broker answered');
      await bus.close();
      await t.rejects(bus.ping(), /closed/);
      await t.rejects(bus.publish(unique('closed'), [message('k', 1)]), /closed/);
    });
  });
}

// Needs no broker: that none answers is the point.
void t.test('a subscribe made while no broker answers keeps trying and says so, until the bus closes', async (t) => {
  // A port held by a server that drops every connection: one merely free when picked could be taken by
  // another suite's server meanwhile, and the bus would then talk to it, holding a socket open.
  const noBroker = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => noBroker.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => noBroker.close(() => resolve())));
  const { port } = noBroker.address() as AddressInfo;
  const warnings: { message: string; extra: Record<string, unknown> }[] = [];
  const bus = createKafkaBus({
    brokers: [`127.0.0.1:${port}`],
    clientId: 'tessera-test',
    rejoinDelayMs: [60_000, 60_000],
    logger: (level, message, extra) => void (level === 'warn' && warnings.push({ message, extra })),
  });
  const subscribed = bus.subscribe(unique('nobody'), 'waiting', async () => undefined);
  let settled = false;
  subscribed.then(
    () => (settled = true),
    () => (settled = true),
  );
  t.ok(
    await eventually(
      'the failed attempt logged',
      () => warnings.some((w) => /could not join; trying again/.test(w.message)),
      60_000,
    ),
    'the failed attempt is logged',
  );
  const warning = warnings.find((w) => /could not join/.test(w.message));
  t.match(warning?.extra, { attempt: 1, retryInMs: 60_000 }, 'with the attempt and the pause before the next');
  t.notOk(settled, 'the subscribe still waits for a broker');
  await bus.close();
  const outcome = await Promise.race([
    subscribed.then(
      () => 'joined',
      (error: Error) => error.message,
    ),
    sleep(5_000, undefined, { ref: false }).then(() => 'still waiting'),
  ]);
  t.match(outcome, /closed/, 'closing the bus ends the wait at once, pause included');
});
