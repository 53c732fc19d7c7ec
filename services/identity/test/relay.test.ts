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

const event = (userId: string, type = 'PhoneNumberVerified') => ({ eventId: randomUUID(), type, schemaVersion: 1, data: { userId }, metadata: { correlationId: 'c-1', occurredAt: new Date().toISOString() } });

t.test('every stored event reaches the topic, keyed by user, with its ids in headers, and a restart resumes', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'relay-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const store = createSqliteEventStore({ path: path.join(dir, 'events.sqlite') });
  const bus = createInProcessBus();
  const received: Message[] = [];
  await bus.subscribe('identity.events.v1', 'test', async (message) => { received.push(message); });
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

  t.same(received.map((message) => message.key), ['a', 'a', 'b'], 'keyed by user, in order');
  const values = received.map((message) => message.value as EventMessageValue);
  t.same(values.map((value) => value.position), [1, 2, 3]);
  t.equal(received[0]?.headers['event-id'], values[0]?.eventId);
  t.equal(received[0]?.headers['event-type'], 'PhoneNumberVerified');
  t.equal(received[0]?.headers['schema-version'], '1');
  t.equal(received[0]?.headers['correlation-id'], 'c-1');

  await store.append('user-c', [event('c')]);
  const resumed = await startRelay({ eventStore: store, bus, checkpoints: createFileCheckpointStore(checkpointFile), logger });
  await resumed.caughtUp;
  await resumed.stop();
  t.same(received.map((message) => message.key), ['a', 'a', 'b', 'c'], 'after a restart only the new event is published');
  await bus.close();
  await store.close();
});
