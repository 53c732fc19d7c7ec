import { AsyncLocalStorage } from 'node:async_hooks';
import { startGroupConsumer } from './kafkaConsumer.ts';
import type { GroupConsumerOptions } from './kafkaConsumer.ts';
import type { Consumer, MessageHandler } from './messageBus.ts';

/** The group consumers of one bus. */
export interface KafkaGroups {
  /** Joins `group` on `topic`; see {@link GroupConsumerOptions.startAtLogEnd}. */
  subscribe(topic: string, group: string, handler: MessageHandler, startAtLogEnd: boolean, commitEachMessage?: boolean): Promise<Consumer>;
  /** Stops every consumer; later subscribes fail. */
  stopAll(): Promise<void>;
}

/** Settings shared by every consumer of the bus. */
export interface KafkaGroupsOptions extends Pick<GroupConsumerOptions, 'kafka' | 'admin' | 'tuning' | 'retry' | 'report' | 'joinTimeoutMs'> {
  /** Makes sure the topic exists before its first consumer joins. */
  ensureTopic: (topic: string) => Promise<void>;
}

/**
 * Starts and tracks consumers. Members of one group join one after the other:
 * each join rebalances the group, which would fail another member's first
 * commit of its start position.
 */
export function createKafkaGroups(options: KafkaGroupsOptions): KafkaGroups {
  const handling = new AsyncLocalStorage<object>();
  const consumers = new Set<Consumer>();
  const joins = new Map<string, Promise<unknown>>();
  let closed = false;

  const assertOpen = (): void => {
    if (closed) throw new Error('message bus is closed');
  };

  const join = async (topic: string, group: string, handler: MessageHandler, startAtLogEnd: boolean, commitEachMessage: boolean): Promise<Consumer> => {
    assertOpen();
    await options.ensureTopic(topic);
    const started = await startGroupConsumer({ ...options, topic, group, handler, startAtLogEnd, commitEachMessage, handling });
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
      await Promise.allSettled([...consumers].map((consumer) => consumer.stop()));
    },
  };
}
