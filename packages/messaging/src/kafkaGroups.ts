import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { AssignerProtocol, type Admin } from 'kafkajs';
import { startGroupConsumer } from './kafkaConsumer.ts';
import type { GroupConsumerOptions } from './kafkaConsumer.ts';
import type { Consumer, MessageHandler } from './messageBus.ts';

/** The group consumers of one bus. */
export interface KafkaGroups {
  /** Joins `group` on `topic`; see {@link GroupConsumerOptions.startAtLogEnd}. */
  subscribe(
    topic: string,
    group: string,
    handler: MessageHandler,
    startAtLogEnd: boolean,
    commitEachMessage?: boolean,
  ): Promise<Consumer>;
  /** Stops every consumer; later subscribes fail. */
  stopAll(): Promise<void>;
}

/** Settings shared by every consumer of the bus. */
export interface KafkaGroupsOptions extends Pick<
  GroupConsumerOptions,
  'kafka' | 'admin' | 'tuning' | 'retry' | 'report' | 'joinTimeoutMs'
> {
  /** Makes sure the topic exists before its first consumer joins. */
  ensureTopic: (topic: string) => Promise<void>;
  /** Hears of each join attempt that failed and will be tried again. */
  warn: (message: string, extra: Record<string, unknown>) => void;
  /** Pauses between failed join attempts: the first, doubling up to the second (default 500 ms and 5 s). */
  rejoinDelayMs?: [first: number, most: number];
}

/**
 * Starts and tracks consumers. Members of one group join one after the other:
 * each join rebalances the group, which would fail another member's first
 * commit of its start position. A join that fails (no broker yet, a
 * coordinator still loading, a join slower than `joinTimeoutMs`) is tried
 * again until it succeeds or the bus closes: a service started before its
 * broker, or beside a busy one, waits for it instead of exiting.
 */
export function createKafkaGroups(options: KafkaGroupsOptions): KafkaGroups {
  const groups = new GroupConsumers(options);
  return {
    subscribe: (topic, group, handler, startAtLogEnd, commitEachMessage) =>
      groups.subscribe(topic, group, handler, startAtLogEnd, commitEachMessage),
    stopAll: () => groups.stopAll(),
  };
}

/** What a consumer joins with: `startAtLogEnd` and `commitEachMessage` as in {@link GroupConsumerOptions}. */
type JoinRequest = Pick<GroupConsumerOptions, 'topic' | 'group' | 'handler' | 'startAtLogEnd' | 'commitEachMessage'>;

/** The consumers behind {@link createKafkaGroups}, and the joins still under way, one at a time per group. */
class GroupConsumers {
  readonly #options: KafkaGroupsOptions;
  readonly #handling = new AsyncLocalStorage<object>();
  readonly #consumers = new Set<Consumer>();
  readonly #joins = new Map<string, Promise<unknown>>();
  #closed = false;
  // Ends the pauses between join attempts when the bus closes, so no timer outlives it.
  readonly #closing = new AbortController();
  readonly #rejoinDelayMs: [first: number, most: number];

  constructor(options: KafkaGroupsOptions) {
    this.#options = options;
    this.#rejoinDelayMs = options.rejoinDelayMs ?? [500, 5000];
  }

  subscribe(
    topic: string,
    group: string,
    handler: MessageHandler,
    startAtLogEnd: boolean,
    commitEachMessage = true,
  ): Promise<Consumer> {
    const key = `${topic}\u0000${group}`;
    const joined = (this.#joins.get(key) ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => this.#join({ topic, group, handler, startAtLogEnd, commitEachMessage }));
    this.#joins.set(key, joined);
    const forget = (): void => {
      if (this.#joins.get(key) === joined) this.#joins.delete(key);
    };
    joined.then(forget, forget);
    return joined;
  }

  async stopAll(): Promise<void> {
    this.#closed = true;
    this.#closing.abort();
    await Promise.allSettled([...this.#consumers].map((consumer) => consumer.stop()));
  }

  async #join(request: JoinRequest): Promise<Consumer> {
    const started = await this.#startWhenJoined(request);
    const consumer: Consumer = {
      stop: () => {
        this.#consumers.delete(consumer);
        return started.stop();
      },
    };
    this.#consumers.add(consumer);
    // stopAll() ran while this consumer was joining: it was not there to be stopped.
    if (this.#closed) await consumer.stop();
    this.#assertOpen();
    return consumer;
  }

  async #startWhenJoined(request: JoinRequest): Promise<Consumer> {
    const { topic, group } = request;
    const [firstDelay, mostDelay] = this.#rejoinDelayMs;
    for (let attempt = 1, delay = firstDelay; ; attempt += 1, delay = Math.min(mostDelay, delay * 2)) {
      this.#assertOpen();
      try {
        await this.#options.ensureTopic(topic);
        return await startGroupConsumer({ ...this.#options, ...request, handling: this.#handling });
      } catch (error) {
        this.#assertOpen();
        this.#options.warn(`consumer of group ${group} on ${topic} could not join; trying again`, {
          attempt,
          retryInMs: delay,
          error: error instanceof Error ? error.message : String(error),
        });
      }
      await sleep(delay, undefined, { signal: this.#closing.signal }).catch(() => undefined);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('message bus is closed');
  }
}

/**
 * Whether the coordinator of `group` counts a member subscribed to `topic`:
 * each member's join metadata names the topics it subscribed to. One request
 * to the coordinator; an empty or unknown group has no members. While the
 * group rebalances the coordinator leaves the metadata out, so a member then
 * counts whatever it reads: it is there, rejoining.
 */
export async function groupHasMembersOn(admin: Admin, group: string, topic: string): Promise<boolean> {
  const { groups } = await admin.describeGroups([group]);
  return groups.some(
    (described) =>
      described.groupId === group &&
      described.members.some((member) => {
        if (member.memberMetadata.length === 0) return true;
        return AssignerProtocol.MemberMetadata.decode(member.memberMetadata)?.topics.includes(topic) ?? false;
      }),
  );
}
