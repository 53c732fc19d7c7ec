import { randomUUID } from 'node:crypto';
import { createKafkaClient } from './kafkaClient.ts';
import type { KafkaClient } from './kafkaClient.ts';
import { encode } from './kafkaCodec.ts';
import { createKafkaGroups, groupHasMembersOn } from './kafkaGroups.ts';
import type { KafkaGroups, KafkaGroupsOptions } from './kafkaGroups.ts';
import { consoleKafkaLogger } from './kafkaLog.ts';
import type { KafkaBusLogger, KafkaLogLevel } from './kafkaLog.ts';
import { createKafkaRequests } from './kafkaRequests.ts';
import type { KafkaRequests } from './kafkaRequests.ts';
import { createKafkaTopics } from './kafkaTopics.ts';
import type { KafkaTopics, TopicSettings } from './kafkaTopics.ts';
import type { Consumer, Message, MessageBus, MessageHandler, RequestHandler, SubscribeOptions } from './messageBus.ts';

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
 * A message bus on Apache Kafka. Messages of one key go to one partition and
 * keep their order; each group commits a message's offset only once its
 * handler is done with it, so delivery is at-least-once. Requests carry the
 * name of this bus's own reply topic, created on the first request and deleted
 * on close.
 */
export function createKafkaBus(options: KafkaBusOptions): MessageBus {
  const bus = new KafkaBus(options);
  return {
    publish: (topic, messages) => bus.publish(topic, messages),
    subscribe: (topic, group, handler, subscribeOptions) => bus.subscribe(topic, group, handler, subscribeOptions),
    serve: (topic, group, handler) => bus.serve(topic, group, handler),
    request: (topic, message, requestOptions) => bus.request(topic, message, requestOptions),
    hasLiveConsumers: (topic, group) => bus.hasLiveConsumers(topic, group),
    ping: () => bus.ping(),
    close: () => bus.close(),
  };
}

/** The bus behind {@link createKafkaBus}: its client, topics, group consumers and requests, open or closed. */
class KafkaBus {
  readonly #options: KafkaBusOptions;
  readonly #logger: KafkaBusLogger;
  readonly #client: KafkaClient;
  readonly #defaults: TopicSettings;
  readonly #topics: KafkaTopics;
  readonly #replyTopic: string;
  readonly #replySettings: TopicSettings;
  readonly #groups: KafkaGroups;
  readonly #requests: KafkaRequests;
  #connected: Promise<void> | undefined;
  #closed = false;

  constructor(options: KafkaBusOptions) {
    this.#options = options;
    this.#logger = options.logger ?? consoleKafkaLogger;
    this.#client = createKafkaClient({
      clientId: options.clientId,
      brokers: options.brokers,
      logger: this.#logger,
      logLevel: options.logLevel ?? 'warn',
    });
    this.#defaults = { partitions: options.partitions ?? 3, replicationFactor: options.replicationFactor ?? 1 };
    this.#topics = createKafkaTopics(this.#client.admin, this.#defaults);
    this.#replyTopic = `${options.clientId.replace(/[^a-zA-Z0-9._-]/g, '-')}.replies.${randomUUID()}`;
    this.#replySettings = { ...this.#defaults, partitions: 1, config: { 'retention.ms': REPLY_RETENTION_MS } };
    this.#groups = createKafkaGroups(this.#groupsOptions());
    const { requestProducer } = this.#client;
    this.#requests = createKafkaRequests({
      replyTopic: this.#replyTopic,
      publish: async (topic, messages) => {
        this.#assertOpen();
        await this.#send(topic, messages, true, requestProducer);
      },
      reply: (topic, messages) => this.#send(topic, messages, false, requestProducer),
      subscribe: this.#groups.subscribe,
      report: (error, topic, group) => this.#report(error, topic, group),
    });
  }

  async publish(topic: string, messages: Message[]): Promise<void> {
    this.#assertOpen();
    await this.#send(topic, messages, true);
  }

  subscribe(topic: string, group: string, handler: MessageHandler, options?: SubscribeOptions): Promise<Consumer> {
    return this.#groups.subscribe(topic, group, handler, options?.from !== 'beginning');
  }

  serve(topic: string, group: string, handler: RequestHandler): Promise<Consumer> {
    return this.#requests.serve(topic, group, handler);
  }

  async request(topic: string, message: Message, options: { timeoutMs: number }): Promise<unknown> {
    this.#assertOpen();
    return this.#requests.request(topic, message, options);
  }

  async hasLiveConsumers(topic: string, group: string): Promise<boolean> {
    this.#assertOpen();
    await this.#connect();
    return groupHasMembersOn(this.#client.admin, group, topic);
  }

  async ping(): Promise<void> {
    this.#assertOpen();
    await this.#connect();
    await this.#client.admin.describeCluster();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#requests.rejectAll(new Error('message bus is closed'));
    await this.#groups.stopAll();
    const { producer, requestProducer, admin } = this.#client;
    if (this.#requests.listening) {
      // Reply topics and their groups are per bus instance: left behind, they would pile up on the brokers.
      const replyTopic = this.#replyTopic;
      await Promise.all([this.#topics.remove(replyTopic), admin.deleteGroups([replyTopic])]).catch((error: unknown) =>
        this.#logger('warn', `could not delete reply topic ${replyTopic}`, { error }),
      );
    }
    // A connection still being made would open its sockets after the disconnects below and keep the process alive.
    await this.#connected?.catch(() => undefined);
    await Promise.allSettled([producer.disconnect(), requestProducer.disconnect(), admin.disconnect()]);
  }

  /** Settings of the group consumers: latency, liveness, retries and how long a join may take. */
  #groupsOptions(): KafkaGroupsOptions {
    const options = this.#options;
    return {
      kafka: this.#client.kafka,
      admin: this.#client.admin,
      ensureTopic: async (topic) => {
        await this.#connect();
        await this.#topics.ensure(topic, topic === this.#replyTopic ? this.#replySettings : this.#defaults);
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
      report: (error, topic, group) => this.#report(error, topic, group),
      warn: (message, extra) => this.#logger('warn', message, extra),
      joinTimeoutMs: options.joinTimeoutMs ?? 30_000,
      ...(options.rejoinDelayMs ? { rejoinDelayMs: options.rejoinDelayMs } : {}),
    };
  }

  #connect(): Promise<void> {
    const { producer, requestProducer, admin } = this.#client;
    this.#connected ??= Promise.all([producer.connect(), requestProducer.connect(), admin.connect()]).then(
      () => undefined,
      (error: unknown) => {
        this.#connected = undefined;
        throw error;
      },
    );
    return this.#connected;
  }

  async #send(topic: string, messages: Message[], create: boolean, via = this.#client.producer): Promise<void> {
    // Encoded first: a value that is not JSON fails the publish before any I/O.
    const records = messages.map(encode);
    await this.#connect();
    if (create) await this.#topics.ensure(topic);
    if (records.length > 0) await via.send({ topic, messages: records, acks: -1 });
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('message bus is closed');
  }

  #report(error: unknown, topic: string, group: string): void {
    try {
      (this.#options.onHandlerError ?? defaultReport)(error, topic, group);
    } catch {
      // A broken reporter must not stall the partition.
    }
  }
}

function defaultReport(error: unknown, topic: string, group: string): void {
  console.error(`message handler of group ${group} on ${topic} failed; message skipped`, error);
}
