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
  const handling = new AsyncLocalStorage<object>();
  const consumers = new Set<Consumer>();
  const joins = new Map<string, Promise<unknown>>();
  let closed = false;
  // Ends the pauses between join attempts when the bus closes, so no timer outlives it.
  const closing = new AbortController();

  const assertOpen = (): void => {
    if (closed) throw new Error('message bus is closed');
  };

  const [firstDelay, mostDelay] = options.rejoinDelayMs ?? [500, 5000];
  const startWhenJoined = async (
    topic: string,
    group: string,
    handler: MessageHandler,
    startAtLogEnd: boolean,
    commitEachMessage: boolean,
  ): Promise<Consumer> => {
    for (let attempt = 1, delay = firstDelay; ; attempt += 1, delay = Math.min(mostDelay, delay * 2)) {
      assertOpen();
      try {
        await options.ensureTopic(topic);
        return await startGroupConsumer({
          ...options,
          topic,
          group,
          handler,
          startAtLogEnd,
          commitEachMessage,
          handling,
        });
      } catch (error) {
        assertOpen();
        options.warn(`consumer of group ${group} on ${topic} could not join; trying again`, {
          attempt,
          retryInMs: delay,
          error: error instanceof Error ? error.message : String(error),
        });
      }
      await sleep(delay, undefined, { signal: closing.signal }).catch(() => undefined);
    }
  };

  const join = async (
    topic: string,
    group: string,
    handler: MessageHandler,
    startAtLogEnd: boolean,
    commitEachMessage: boolean,
  ): Promise<Consumer> => {
    const started = await startWhenJoined(topic, group, handler, startAtLogEnd, commitEachMessage);
    const consumer: Consumer = {
      stop: () => {
        consumers.delete(consumer);
        return started.stop();
      },
    };
    consumers.add(consumer);
    // stopAll() ran while this consumer was joining: it was not there to be stopped.
    if (closed) await consumer.stop();
    assertOpen();
    return consumer;
  };

  return {
    subscribe(topic, group, handler, startAtLogEnd, commitEachMessage = true) {
      const key = `${topic}\u0000${group}`;
      const joined = (joins.get(key) ?? Promise.resolve())
        .catch(() => undefined)
        .then(() => join(topic, group, handler, startAtLogEnd, commitEachMessage));
      joins.set(key, joined);
      const forget = (): void => {
        if (joins.get(key) === joined) joins.delete(key);
      };
      joined.then(forget, forget);
      return joined;
    },
    async stopAll() {
      closed = true;
      closing.abort();
      await Promise.allSettled([...consumers].map((consumer) => consumer.stop()));
    },
  };
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
