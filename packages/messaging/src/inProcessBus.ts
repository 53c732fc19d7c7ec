import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { RequestTimeoutError } from './messageBus.ts';
import type { Consumer, Message, MessageHandler, RequestHandler } from './messageBus.ts';
import { freeze, fromJson, thaw, toJson } from './envelope.ts';
import type { Envelope } from './envelope.ts';
import { createReplies } from './replies.ts';
import type { BatchHandler, BatchSubscribingBus } from './batchSubscribingBus.ts';

/** Options of {@link createInProcessBus}. */
export interface InProcessBusOptions {
  /** How often a throwing handler is tried for one message, and the pause between tries (default 3 tries, 20 ms apart). */
  retry?: { attempts: number; delayMs: number };
  /** Hears about a message given up on after its last try, and about failed request handlers (default: console.error). */
  onHandlerError?: (error: unknown, topic: string, group: string) => void;
}

/** Header carrying the id that pairs a request with its reply. */
const REQUEST_ID_HEADER = 'request-id';

type ConsumerState = { inFlight: Set<Promise<void>> } & (
  { handler: MessageHandler; batchHandler?: never } | { batchHandler: BatchHandler; handler?: never }
);

/**
 * Lanes a group delivers on side by side, as a Kafka consumer handles its
 * partitions: one key always takes the same lane, so a key's messages keep
 * their order, while other keys do not wait behind it. Enough lanes that a
 * few dozen requests in flight rarely share one by chance (with 16, commands
 * of different users queued behind each other, a commit apart); few enough to
 * bound how many messages of a group are handled at once.
 */
const LANES = 128;

interface Group {
  topic: string;
  name: string;
  consumers: ConsumerState[];
  /** End of each lane's delivery queue: a lane handles one message at a time. */
  lanes: Promise<void>[];
}

/**
 * A message bus living in this process, for the embedded mode and tests; it
 * also delivers in batches ({@link BatchSubscribingBus}).
 * Publish resolves once every subscribed group has handled the messages, which
 * lets a relay checkpoint right after it. A publish issued from inside a
 * handler does not wait for the groups already busy up its call chain: they
 * cannot get to the new message before the current one ends.
 */
export function createInProcessBus(options: InProcessBusOptions = {}): BatchSubscribingBus {
  const attempts = Math.max(1, options.retry?.attempts ?? 3);
  const delayMs = options.retry?.delayMs ?? 20;
  const report = (error: unknown, topic: string, group: string): void => {
    try {
      (options.onHandlerError ?? defaultReport)(error, topic, group);
    } catch {
      // A broken reporter must not stall the group's queue.
    }
  };
  const topics = new Map<string, Map<string, Group>>();
  // Groups and consumers whose handler is running up the current async chain.
  const handling = new AsyncLocalStorage<ReadonlySet<object>>();
  const replies = createReplies();
  let closed = false;

  const assertOpen = (): void => {
    if (closed) throw new Error('message bus is closed');
  };

  const handle = (group: Group, consumer: ConsumerState, envelopes: Envelope[]): Promise<void> => {
    const context = new Set(handling.getStore()).add(group).add(consumer);
    return handling.run(context, async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          if (consumer.batchHandler) await consumer.batchHandler(envelopes.map(thaw));
          else await consumer.handler(thaw(envelopes[0]!));
          return;
        } catch (error) {
          if (attempt >= attempts) return report(error, group.topic, group.name);
          await sleep(delayMs);
        }
      }
    });
  };

  const deliver = async (group: Group, batch: Envelope[]): Promise<void> => {
    const consumerOf = (envelope: Envelope) => group.consumers[bucket(envelope.key, group.consumers.length)];
    for (let start = 0; start < batch.length;) {
      const consumer = consumerOf(batch[start]!);
      // No consumer left: the group has gone, and the in-process bus keeps no backlog.
      if (consumer === undefined) return;
      // A batch consumer takes the whole run of messages that are its own; others take one at a time.
      let end = start + 1;
      if (consumer.batchHandler) while (end < batch.length && consumerOf(batch[end]!) === consumer) end += 1;
      const done = handle(group, consumer, batch.slice(start, end));
      consumer.inFlight.add(done);
      await done;
      consumer.inFlight.delete(done);
      start = end;
    }
  };

  const stopConsumer = async (group: Group, consumer: ConsumerState): Promise<void> => {
    const index = group.consumers.indexOf(consumer);
    if (index >= 0) group.consumers.splice(index, 1);
    const groups = topics.get(group.topic);
    if (group.consumers.length === 0 && groups?.get(group.name) === group) {
      groups.delete(group.name);
      if (groups.size === 0) topics.delete(group.topic);
    }
    // A handler stopping its own consumer would otherwise wait for itself.
    if (handling.getStore()?.has(consumer)) return;
    await Promise.all(consumer.inFlight);
  };

  const publish = async (topic: string, messages: Message[]): Promise<void> => {
    assertOpen();
    const batch = messages.map(freeze);
    const waits: Promise<void>[] = [];
    const busy = handling.getStore();
    for (const group of topics.get(topic)?.values() ?? []) {
      // A batch group takes each publish whole, on one lane: its handler gets all of it in one call.
      const lanes = group.consumers[0]?.batchHandler ? 1 : LANES;
      const byLane = new Map<number, Envelope[]>();
      for (const envelope of batch) {
        const lane = bucket(envelope.key, lanes);
        const envelopes = byLane.get(lane);
        if (envelopes) envelopes.push(envelope);
        else byLane.set(lane, [envelope]);
      }
      for (const [lane, envelopes] of byLane) {
        const done = (group.lanes[lane] ?? Promise.resolve()).then(() => deliver(group, envelopes));
        group.lanes[lane] = done;
        if (!busy?.has(group)) waits.push(done);
      }
    }
    await Promise.all(waits);
  };

  const join = (topic: string, name: string, consumer: ConsumerState): Consumer => {
    assertOpen();
    const existing = topics.get(topic)?.get(name)?.consumers[0];
    if (existing && (existing.batchHandler === undefined) !== (consumer.batchHandler === undefined)) {
      throw new Error(
        `group ${name} on ${topic} already takes messages ${existing.batchHandler ? 'in batches' : 'one at a time'}`,
      );
    }
    const groups = topics.get(topic) ?? new Map<string, Group>();
    topics.set(topic, groups);
    const group = groups.get(name) ?? { topic, name, consumers: [], lanes: [] };
    groups.set(name, group);
    group.consumers.push(consumer);
    return { stop: () => stopConsumer(group, consumer) };
  };
  const subscribe = async (topic: string, name: string, handler: MessageHandler): Promise<Consumer> =>
    join(topic, name, { handler, inFlight: new Set() });
  const subscribeInBatches = async (topic: string, name: string, batchHandler: BatchHandler): Promise<Consumer> =>
    join(topic, name, { batchHandler, inFlight: new Set() });

  const serve = (topic: string, group: string, handler: RequestHandler): Promise<Consumer> =>
    subscribe(topic, group, async (request) => {
      const id = request.headers[REQUEST_ID_HEADER];
      // A plain publish on a request topic has nobody waiting for an answer.
      if (id === undefined) return;
      try {
        replies.resolve(id, toJson(await handler(request)));
      } catch (error) {
        // Not retried, as the requester is waiting; it learns that the request failed, never why.
        report(error, topic, group);
        replies.reject(id, new Error('request handler failed'));
      }
    });

  const request = async (topic: string, message: Message, options: { timeoutMs: number }): Promise<unknown> => {
    assertOpen();
    const id = randomUUID();
    const reply = replies.await(id, options.timeoutMs, () => new RequestTimeoutError(topic, options.timeoutMs));
    const headers = { ...message.headers, [REQUEST_ID_HEADER]: id };
    publish(topic, [{ ...message, headers }]).catch((error: unknown) => replies.reject(id, error));
    return fromJson(await reply);
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    replies.rejectAll(new Error('message bus is closed'));
    const stops: Promise<void>[] = [];
    for (const groups of topics.values()) {
      for (const group of groups.values()) {
        for (const consumer of [...group.consumers]) stops.push(stopConsumer(group, consumer));
      }
    }
    await Promise.all(stops);
  };

  const ping = async (): Promise<void> => {
    if (closed) throw new Error('message bus is closed');
  };

  // A stopped consumer leaves its group at once, and a group without consumers is removed.
  const hasLiveConsumers = async (topic: string, group: string): Promise<boolean> => {
    assertOpen();
    return (topics.get(topic)?.get(group)?.consumers.length ?? 0) > 0;
  };

  return { publish, subscribe, subscribeInBatches, serve, request, hasLiveConsumers, ping, close };
}

function defaultReport(error: unknown, topic: string, group: string): void {
  console.error(`message handler of group ${group} on ${topic} failed; message skipped`, error);
}

/** FNV-1a: cheap and stable, so one key keeps landing on one consumer. */
function bucket(key: string, size: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return size === 0 ? 0 : (hash >>> 0) % size;
}
