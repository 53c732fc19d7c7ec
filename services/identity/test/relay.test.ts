/** The relay publishes every stored event once, in order, and resumes from its checkpoint. */
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EventMessageValue } from '@tessera/contracts';
import { createSqliteEventStore } from '@tessera/event-store';
import { createLogger } from '@tessera/logging';
import { createInProcessBus, type Message } from '@tessera/messaging';
import { createFileCheckpointStore, startRelay } from '../src/index.ts';

const event = (userId: string, type = 'PhoneNumberVerified') => ({
  eventId: randomUUID(),
  type,
  schemaVersion: 1,
  data: { userId },
  metadata: { correlationId: 'c-1', occurredAt: new Date().toISOString() },
});

t.test(
  'every stored event reaches the topic, keyed by user, with its ids in headers, and a restart resumes',
  async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'relay-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const store = createSqliteEventStore({ path: path.join(dir, 'events.sqlite') });
    const bus = createInProcessBus();
    const received: Message[] = [];
    await bus.subscribe('identity.events.v1', 'test', async (message) => {
      received.push(message);
    });
    const logger = createLogger('relay', { level: 'silent' });
    const checkpointFile = path.join(dir, 'checkpoint.json');

    await store.append('user-a', [event('a'), event('a')]);
    const checkpoints = createFileCheckpointStore(checkpointFile);
    const relay = await startRelay({ eventStore: store, bus, checkpoints, logger });
    await relay.caughtUp;
    await store.append('user-b', [event('b')]);
    const deadline = Date.now() + 2000;
    while (received.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    await relay.stop();
    checkpoints.flush();

    t.same(
      received.map((message) => message.key),
      ['a', 'a', 'b'],
      'keyed by user, in order',
    );
    const values = received.map((message) => message.value as EventMessageValue);
    t.same(
      values.map((value) => value.position),
      [1, 2, 3],
    );
    t.equal(received[0]?.headers['event-id'], values[0]?.eventId);
    t.equal(received[0]?.headers['event-type'], 'PhoneNumberVerified');
    t.equal(received[0]?.headers['schema-version'], '1');
    t.equal(received[0]?.headers['correlation-id'], 'c-1');
    const stored = await store.readAll();
    t.same(
      values.map(({ hash, previousHash }) => ({ hash, previousHash })),
      stored.map(({ hash, previousHash }) => ({ hash, previousHash })),
      'each message carries its link in the chain, so a consumer can check what it received',
    );
    t.equal(values[1]?.previousHash, values[0]?.hash, "the second event names the first one's hash");

    await store.append('user-c', [event('c')]);
    const resumed = await startRelay({
      eventStore: store,
      bus,
      checkpoints: createFileCheckpointStore(checkpointFile),
      logger,
    });
    await resumed.caughtUp;
    await resumed.stop();
    t.same(
      received.map((message) => message.key),
      ['a', 'a', 'b', 'c'],
      'after a restart only the new event is published',
    );
    await bus.close();
    await store.close();
  },
);

t.test(
  'events stored while a publish is acknowledged go out together in the next one, in order, and the checkpoint follows what was published',
  async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'relay-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const store = createSqliteEventStore({ path: path.join(dir, 'events.sqlite') });
    const inner = createInProcessBus();
    const received: Message[] = [];
    await inner.subscribe('identity.events.v1', 'test', async (message) => {
      received.push(message);
    });
    let release: (() => void) | undefined;
    const batches: number[][] = [];
    // A bus whose first acknowledgement is slow, as a broker's can be.
    const bus = {
      ...inner,
      async publish(topic: string, messages: Message[]) {
        batches.push(messages.map((message) => (message.value as EventMessageValue).position));
        if (batches.length === 1)
          await new Promise<void>((resolve) => {
            release = resolve;
          });
        await inner.publish(topic, messages);
      },
    };
    const saved: number[] = [];
    const relay = await startRelay({
      eventStore: store,
      bus,
      checkpoints: { load: async () => 0, save: async (position) => void saved.push(position) },
      logger: createLogger('relay', { level: 'silent' }),
    });
    await store.append('user-a', [event('a')]);
    while (!release) await new Promise((resolve) => setTimeout(resolve, 2));
    for (const user of ['b', 'c', 'd']) await store.append(`user-${user}`, [event(user)]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    t.same(saved, [], 'nothing checkpointed before it is acknowledged');
    release();
    while (received.length < 4) await new Promise((resolve) => setTimeout(resolve, 2));
    t.same(batches, [[1], [2, 3, 4]], 'the three events stored meanwhile went out in one publish');
    t.same(
      received.map((message) => message.key),
      ['a', 'b', 'c', 'd'],
      'in order',
    );
    t.same(saved, [1, 4], 'checkpointed after each acknowledged batch');
    await relay.stop();
    await inner.close();
    await store.close();
  },
);

t.test(
  'the checkpoint file is written into a data folder that does not exist yet (events and keys kept elsewhere)',
  async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'relay-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'data', 'identity', 'relay-checkpoint.json');
    const checkpoints = createFileCheckpointStore(file);
    await checkpoints.save(42);
    checkpoints.flush();
    t.equal(await createFileCheckpointStore(file).load(), 42, 'a restart resumes from it');
  },
);
