import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { thaw } from './envelope.ts';
import type { Envelope } from './envelope.ts';
import type { Consumer, MessageHandler } from './messageBus.ts';
import type { BatchHandler } from './batchSubscribingBus.ts';

/** A consumer of a group: its handler, one message or one batch at a time, and the deliveries it is running. */
export type ConsumerState = { inFlight: Set<Promise<void>> } & (
  { handler: MessageHandler; batchHandler?: never } | { batchHandler: BatchHandler; handler?: never }
);

/** How a group tries a throwing handler, and whom it tells of a message given up on. */
export interface DeliveryPolicy {
  attempts: number;
  delayMs: number;
  report: (error: unknown, topic: string, group: string) => void;
}

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
 * The groups of an in-process bus, by topic, and their deliveries. A stopped
 * consumer leaves its group at once, and a group without consumers is removed.
 */
export class InProcessGroups {
  readonly #topics = new Map<string, Map<string, Group>>();
  /** Groups and consumers whose handler is running up the current async chain. */
  readonly #handling = new AsyncLocalStorage<ReadonlySet<object>>();
  readonly #policy: DeliveryPolicy;

  constructor(policy: DeliveryPolicy) {
    this.#policy = policy;
  }

  /**
   * Queues `batch` on each lane of every group of `topic`; resolves once the
   * groups handled it, except those busy up the current async chain: they
   * cannot get to it before their current message ends.
   */
  async deliver(topic: string, batch: Envelope[]): Promise<void> {
    const waits: Promise<void>[] = [];
    const busy = this.#handling.getStore();
    for (const group of this.#topics.get(topic)?.values() ?? []) {
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
        const done = (group.lanes[lane] ?? Promise.resolve()).then(() => this.#deliverOnLane(group, envelopes));
        group.lanes[lane] = done;
        if (!busy?.has(group)) waits.push(done);
      }
    }
    await Promise.all(waits);
  }

  /** Adds `consumer` to group `name` on `topic`; a group takes messages either one at a time or in batches. */
  join(topic: string, name: string, consumer: ConsumerState): Consumer {
    const existing = this.#topics.get(topic)?.get(name)?.consumers[0];
    if (existing && (existing.batchHandler === undefined) !== (consumer.batchHandler === undefined)) {
      throw new Error(
        `group ${name} on ${topic} already takes messages ${existing.batchHandler ? 'in batches' : 'one at a time'}`,
      );
    }
    const groups = this.#topics.get(topic) ?? new Map<string, Group>();
    this.#topics.set(topic, groups);
    const group = groups.get(name) ?? { topic, name, consumers: [], lanes: [] };
    groups.set(name, group);
    group.consumers.push(consumer);
    return { stop: () => this.#stopConsumer(group, consumer) };
  }

  hasConsumers(topic: string, group: string): boolean {
    return (this.#topics.get(topic)?.get(group)?.consumers.length ?? 0) > 0;
  }

  /** Stops every consumer; resolves once their deliveries in flight are done. */
  async stopAll(): Promise<void> {
    const stops: Promise<void>[] = [];
    for (const groups of this.#topics.values()) {
      for (const group of groups.values()) {
        for (const consumer of [...group.consumers]) stops.push(this.#stopConsumer(group, consumer));
      }
    }
    await Promise.all(stops);
  }

  async #deliverOnLane(group: Group, batch: Envelope[]): Promise<void> {
    const consumerOf = (envelope: Envelope) => group.consumers[bucket(envelope.key, group.consumers.length)];
    for (let start = 0; start < batch.length;) {
      const consumer = consumerOf(batch[start]!);
      // No consumer left: the group has gone, and the in-process bus keeps no backlog.
      if (consumer === undefined) return;
      // A batch consumer takes the whole run of messages that are its own; others take one at a time.
      let end = start + 1;
      if (consumer.batchHandler) while (end < batch.length && consumerOf(batch[end]!) === consumer) end += 1;
      const done = this.#handle(group, consumer, batch.slice(start, end));
      consumer.inFlight.add(done);
      await done;
      consumer.inFlight.delete(done);
      start = end;
    }
  }

  #handle(group: Group, consumer: ConsumerState, envelopes: Envelope[]): Promise<void> {
    const context = new Set(this.#handling.getStore()).add(group).add(consumer);
    return this.#handling.run(context, async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          if (consumer.batchHandler) await consumer.batchHandler(envelopes.map(thaw));
          else await consumer.handler(thaw(envelopes[0]!));
          return;
        } catch (error) {
          if (attempt >= this.#policy.attempts) return this.#policy.report(error, group.topic, group.name);
          await sleep(this.#policy.delayMs);
        }
      }
    });
  }

  async #stopConsumer(group: Group, consumer: ConsumerState): Promise<void> {
    const index = group.consumers.indexOf(consumer);
    if (index >= 0) group.consumers.splice(index, 1);
    const groups = this.#topics.get(group.topic);
    if (group.consumers.length === 0 && groups?.get(group.name) === group) {
      groups.delete(group.name);
      if (groups.size === 0) this.#topics.delete(group.topic);
    }
    // A handler stopping its own consumer would otherwise wait for itself.
    if (this.#handling.getStore()?.has(consumer)) return;
    await Promise.all(consumer.inFlight);
  }
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
