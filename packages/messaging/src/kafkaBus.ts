import { randomUUID } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { Kafka, Partitioners, type ISocketFactory } from 'kafkajs';
import { encode } from './kafkaCodec.ts';
import { createKafkaGroups, groupHasMembersOn } from './kafkaGroups.ts';
import { consoleKafkaLogger, kafkaLogCreator, kafkaLogLevel } from './kafkaLog.ts';
import type { KafkaBusLogger, KafkaLogLevel } from './kafkaLog.ts';
import { createKafkaRequests } from './kafkaRequests.ts';
import { createKafkaTopics } from './kafkaTopics.ts';
import type { TopicSettings } from './kafkaTopics.ts';
import type { Message, MessageBus } from './messageBus.ts';

/** Options of {@link createKafkaBus}. */
export interface KafkaBusOptions {
  /** Bootstrap brokers, `host:port`. */
  brokers: string[];
  /** Names this process to the brokers, and prefixes its reply topic. */
  clientId: string;
  /** Partitions of the topics this bus creates (default 3; consumers of one group share at most this many, and a partition is handled one message at a time). */
  partitions?: number;
  /** Replication factor of the topics this bus creates (default 1, for a single broker). */
  replicationFactor?: number;
  /** How often a throwing handler is tried for one message, and the pause between tries (default 3 tries, 20 ms apart). */
  retry?: { attempts: number; delayMs: number };
  /** Hears about a message given up on after its last try, and about failed request handlers (default: console.error). */
  onHandlerError?: (error: unknown, topic: string, group: string) => void;
  /** Receives the Kafka client's log lines (default: warnings and errors to stderr). */
  logger?: KafkaBusLogger;
  /** Least severe client log level passed to `logger` (default 'warn'). */
  logLevel?: KafkaLogLevel;
  /** Longest a fetch waits for new messages; also the delivery lag on a quiet topic (default 25 ms). */
  maxWaitTimeInMs?: number;
  /**
   * Longest one attempt of `subscribe` or `serve` waits for its consumer to join its group before it is
   * tried again (default 30 s). They try until the consumer joins or the bus is closed, logging each failure.
   */
  joinTimeoutMs?: number;
  /** Pauses between failed join attempts: the first, doubling up to the second (default 500 ms and 5 s). */
  rejoinDelayMs?: [first: number, most: number];
}

/** How long reply topics keep replies: a requester gives up long before. */
const REPLY_RETENTION_MS = String(60 * 60 * 1000);

/**
 * kafkajs's own sockets, with Nagle's algorithm off. kafkajs leaves it on, so
 * a small request written while an earlier one is unacknowledged waits for
 * that acknowledgement, which the broker may delay: milliseconds added to
 * every command's round trip. Brokers set TCP_NODELAY on their side.
 */
const noDelaySocketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const socket = ssl
    ? tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
    : net.connect({ host, port }, onConnect);
  socket.setNoDelay(true);
  socket.setKeepAlive(true, 60_000);
  return socket;
};

/**
 * A message bus on Apache Kafka. Messages of one key go to one partition and
 * keep their order; each group commits a message's offset only once its
 * handler is done with it, so delivery is at-least-once. Requests carry the
 * name of this bus's own reply topic, created on the first request and deleted
 * on close.
 */
export function createKafkaBus(options: KafkaBusOptions): MessageBus {
  const logger = options.logger ?? consoleKafkaLogger;
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: kafkaLogLevel(options.logLevel ?? 'warn'),
    logCreator: kafkaLogCreator(logger, options.logLevel ?? 'warn'),
    // Short, bounded backoff: after a broker restart every client is back within seconds, not kafkajs's 30 s.
    retry: { initialRetryTime: 100, maxRetryTime: 2000, retries: 8 },
    socketFactory: noDelaySocketFactory,
  });
  // Idempotence needs acks from all in-sync replicas and one request in flight per broker.
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  // Requests and replies are short-lived and matched by id, so they need neither idempotence nor one request in
  // flight: a second producer keeps them from queueing behind each other (and behind the relay's events).
  // Few retries: a reply topic that vanished with its requester must not hold the partition for seconds.
  const requestProducer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { initialRetryTime: 50, maxRetryTime: 500, retries: 2 },
  });
  const admin = kafka.admin();
  const defaults: TopicSettings = {
    partitions: options.partitions ?? 3,
    replicationFactor: options.replicationFactor ?? 1,
  };
  const topics = createKafkaTopics(admin, defaults);
  const replyTopic = `${options.clientId.replace(/[^a-zA-Z0-9._-]/g, '-')}.replies.${randomUUID()}`;
  const replySettings: TopicSettings = { ...defaults, partitions: 1, config: { 'retention.ms': REPLY_RETENTION_MS } };
  let connected: Promise<void> | undefined;
  let closed = false;

  const report = (error: unknown, topic: string, group: string): void => {
    try {
      (options.onHandlerError ?? defaultReport)(error, topic, group);
    } catch {
      // A broken reporter must not stall the partition.
    }
  };

  const assertOpen = (): void => {
    if (closed) throw new Error('message bus is closed');
  };

  const connect = (): Promise<void> => {
    connected ??= Promise.all([producer.connect(), requestProducer.connect(), admin.connect()]).then(
      () => undefined,
      (error: unknown) => {
        connected = undefined;
        throw error;
      },
    );
    return connected;
  };

  const send = async (topic: string, messages: Message[], create: boolean, via = producer): Promise<void> => {
    // Encoded first: a value that is not JSON fails the publish before any I/O.
    const records = messages.map(encode);
    await connect();
    if (create) await topics.ensure(topic);
    if (records.length > 0) await via.send({ topic, messages: records, acks: -1 });
  };

  const publish = async (topic: string, messages: Message[]): Promise<void> => {
    assertOpen();
    await send(topic, messages, true);
  };

  const groups = createKafkaGroups({
    kafka,
    admin,
    ensureTopic: async (topic) => {
      await connect();
      await topics.ensure(topic, topic === replyTopic ? replySettings : defaults);
    },
    tuning: {
      maxWaitTimeInMs: options.maxWaitTimeInMs ?? 25,
      minBytes: 1,
      // Members notice a rebalance on their next heartbeat, so joins wait about this long.
      heartbeatInterval: 300,
      sessionTimeout: 10_000,
      rebalanceTimeout: 30_000,
    },
    retry: { attempts: options.retry?.attempts ?? 3, delayMs: options.retry?.delayMs ?? 20 },
    report,
    warn: (message, extra) => logger('warn', message, extra),
    joinTimeoutMs: options.joinTimeoutMs ?? 30_000,
    ...(options.rejoinDelayMs ? { rejoinDelayMs: options.rejoinDelayMs } : {}),
  });

  const requests = createKafkaRequests({
    replyTopic,
    publish: async (topic, messages) => {
      assertOpen();
      await send(topic, messages, true, requestProducer);
    },
    reply: (topic, messages) => send(topic, messages, false, requestProducer),
    subscribe: groups.subscribe,
    report,
  });

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    requests.rejectAll(new Error('message bus is closed'));
    await groups.stopAll();
    if (requests.listening) {
      // Reply topics and their groups are per bus instance: left behind, they would pile up on the brokers.
      await Promise.all([topics.remove(replyTopic), admin.deleteGroups([replyTopic])]).catch((error: unknown) =>
        logger('warn', `could not delete reply topic ${replyTopic}`, { error }),
      );
    }
    // A connection still being made would open its sockets after the disconnects below and keep the process alive.
    await connected?.catch(() => undefined);
    await Promise.allSettled([producer.disconnect(), requestProducer.disconnect(), admin.disconnect()]);
  };

  return {
    publish,
    subscribe: (topic, group, handler, subscribeOptions) =>
      groups.subscribe(topic, group, handler, subscribeOptions?.from !== 'beginning'),
    serve: requests.serve,
    request: async (topic, message, requestOptions) => {
      assertOpen();
      return requests.request(topic, message, requestOptions);
    },
    hasLiveConsumers: async (topic, group) => {
      assertOpen();
      await connect();
      return groupHasMembersOn(admin, group, topic);
    },
    ping: async () => {
      assertOpen();
      await connect();
      await admin.describeCluster();
    },
    close,
  };
}

function defaultReport(error: unknown, topic: string, group: string): void {
  console.error(`message handler of group ${group} on ${topic} failed; message skipped`, error);
}
