import type { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  Admin,
  Consumer as KafkaConsumer,
  ConsumerConfig,
  ConsumerRunConfig,
  EachMessagePayload,
  Kafka,
} from 'kafkajs';
import { decode } from './kafkaCodec.ts';
import type { Consumer, MessageHandler } from './messageBus.ts';

/** What {@link startGroupConsumer} needs from the bus that owns the consumer. */
export interface GroupConsumerOptions {
  kafka: Kafka;
  admin: Admin;
  topic: string;
  group: string;
  handler: MessageHandler;
  /** Latency and liveness settings handed to kafkajs. */
  tuning: Omit<ConsumerConfig, 'groupId'>;
  retry: { attempts: number; delayMs: number };
  report: (error: unknown, topic: string, group: string) => void;
  /**
   * A group without committed offsets starts at the log end as of subscribing,
   * so it gets what is published afterwards; false reads the topic from its start.
   */
  startAtLogEnd: boolean;
  joinTimeoutMs: number;
  /**
   * Commit after every message (default), or every 100 ms: for replies, which
   * nobody reads twice, a commit per message would only cost a round trip each.
   */
  commitEachMessage?: boolean;
  /** Marks the async chain of a running handler, so a handler can stop its own consumer. */
  handling: AsyncLocalStorage<object>;
}

/**
 * Joins `group` on `topic` and resolves once the consumer holds its partitions
 * and the group has a committed start position, so nothing published after
 * that is missed, even when a later member takes partitions over.
 */
export async function startGroupConsumer(options: GroupConsumerOptions): Promise<Consumer> {
  const { topic, group, handling } = options;
  let stopped: Promise<void> | undefined;
  const consumer = options.kafka.consumer({
    ...options.tuning,
    groupId: group,
    allowAutoTopicCreation: false,
    // kafkajs restarts a consumer after a retriable crash on a timer of its own; one that lands after
    // stop() would reconnect a consumer nobody will disconnect again, and keep the process alive.
    retry: { ...options.tuning.retry, restartOnFailure: async () => stopped === undefined },
  });
  const identity = {};
  const stop = (): Promise<void> => {
    stopped ??= consumer.disconnect();
    if (handling.getStore() !== identity) return stopped;
    // Disconnecting waits for the running handler; from inside it, that would wait for itself.
    stopped.catch(() => undefined);
    return Promise.resolve();
  };

  const runConfig = runConfiguration(options, identity);
  // Applies only to partitions without a committed offset: rather replay than lose. The reply topic
  // is read whole this way; other groups have their start committed below before their first fetch.
  const subscribeAndRun = async () => {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run(runConfig);
  };
  // kafkajs restarts a crashed consumer only after retriable errors; a broker that stayed away longer than its
  // retries (say, "Failed to find group coordinator" during a restart) would leave this group dead for good.
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart || stopped) return;
    void restartUntilStopped(consumer, subscribeAndRun, () => stopped !== undefined);
  });

  try {
    const joined = waitForJoin(consumer, topic, options.joinTimeoutMs, options.startAtLogEnd);
    await subscribeAndRun();
    const assigned = await joined;
    if (options.startAtLogEnd) await startAtLogEnd(options.admin, consumer, group, topic, assigned);
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  return { stop };
}

/** How the consumer runs: offsets committed once a message is done with, partitions handled side by side. */
function runConfiguration(options: GroupConsumerOptions, identity: object): ConsumerRunConfig {
  return {
    // kafkajs commits an offset only after eachMessage returned, and with a threshold of 1 right then;
    // eachMessage returns once the handler succeeded or was given up on, so a failure is never committed.
    // (consumer.commitOffsets() would retry with a stale generation, stalling the partition in a rebalance.)
    autoCommit: true,
    ...(options.commitEachMessage === false ? { autoCommitInterval: 100 } : { autoCommitThreshold: 1 }),
    // Partitions are independent (order is per key, and a key lives on one partition): handle them side by side.
    partitionsConsumedConcurrently: 16,
    eachMessage: (payload: EachMessagePayload) => options.handling.run(identity, () => handle(options, payload)),
  };
}

/** Tries to run a crashed consumer again, pausing longer each time, until it runs or is stopped. */
async function restartUntilStopped(
  consumer: KafkaConsumer,
  subscribeAndRun: () => Promise<void>,
  isStopped: () => boolean,
): Promise<void> {
  for (let delay = 500; !isStopped(); delay = Math.min(5000, delay * 2)) {
    await sleep(delay);
    if (isStopped()) return;
    try {
      await subscribeAndRun();
      // A stop that came while this restart was connecting must not leave it connected.
      if (isStopped()) await consumer.disconnect().catch(() => undefined);
      return;
    } catch {
      await consumer.disconnect().catch(() => undefined);
    }
  }
}

async function handle(options: GroupConsumerOptions, { topic, message, heartbeat }: EachMessagePayload): Promise<void> {
  const attempts = Math.max(1, options.retry.attempts);
  for (let attempt = 1; ; attempt++) {
    try {
      // Parsed per attempt, so a handler that mutated the message before failing gets a clean copy.
      await options.handler(decode(message));
      return;
    } catch (error) {
      if (attempt >= attempts) return options.report(error, topic, options.group);
      await sleep(options.retry.delayMs);
      await heartbeat();
    }
  }
}

/**
 * Resolves with the partitions of `topic` assigned at the first join; with
 * `pause`, pauses the topic before the consumer's first fetch (the event fires
 * synchronously just before fetching starts) for the caller to resume.
 */
function waitForJoin(consumer: KafkaConsumer, topic: string, timeoutMs: number, pause: boolean): Promise<number[]> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(
      () => done(new Error(`consumer did not join its group on ${topic} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const removers = [
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        if (pause && !settled) consumer.pause([{ topic }]);
        done(undefined, event.payload.memberAssignment[topic] ?? []);
      }),
      consumer.on(consumer.events.CRASH, (event) => {
        if (!event.payload.restart) done(event.payload.error);
      }),
    ];
    function done(error: Error | undefined, partitions: number[] = []): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      for (const remove of removers) remove();
      if (error === undefined) resolve(partitions);
      else reject(error);
    }
  });
}

/**
 * Commits the current log end for the assigned partitions that have no
 * committed offset, then resumes the paused topic. A consumer's own "latest"
 * position is resolved on its first fetch and lives in memory only: a member
 * joining later would resolve "latest" again and skip what came in between.
 */
async function startAtLogEnd(
  admin: Admin,
  consumer: KafkaConsumer,
  group: string,
  topic: string,
  assigned: number[],
): Promise<void> {
  try {
    if (assigned.length === 0) return;
    const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    const unset = new Set((committed?.partitions ?? []).filter((p) => Number(p.offset) < 0).map((p) => p.partition));
    const fresh = assigned.filter((partition) => unset.has(partition));
    if (fresh.length === 0) return;
    const ends = await admin.fetchTopicOffsets(topic);
    const positions = fresh.map((partition) => ({
      topic,
      partition,
      offset: ends.find((e) => e.partition === partition)?.high ?? '0',
    }));
    await consumer.commitOffsets(positions);
    // The paused consumer may already have resolved "earliest" in memory; a seek makes it read the commit.
    for (const position of positions) consumer.seek(position);
  } finally {
    consumer.resume([{ topic }]);
  }
}
