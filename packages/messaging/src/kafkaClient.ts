import net from 'node:net';
import tls from 'node:tls';
import { Kafka, Partitioners, type Admin, type ISocketFactory, type Producer } from 'kafkajs';
import { kafkaLogCreator, kafkaLogLevel } from './kafkaLog.ts';
import type { KafkaBusLogger, KafkaLogLevel } from './kafkaLog.ts';

/** What {@link createKafkaClient} needs: the bus's brokers, name and log. */
export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  logger: KafkaBusLogger;
  logLevel: KafkaLogLevel;
}

/** The kafkajs client of one bus, with its two producers and its admin; none connected yet. */
export interface KafkaClient {
  kafka: Kafka;
  /** Publishes the bus's messages, idempotently and in order. */
  producer: Producer;
  /** Sends requests and replies. */
  requestProducer: Producer;
  admin: Admin;
}

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

/** Creates the client and what the bus connects through it. */
export function createKafkaClient(options: KafkaClientOptions): KafkaClient {
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: kafkaLogLevel(options.logLevel),
    logCreator: kafkaLogCreator(options.logger, options.logLevel),
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
  return { kafka, producer, requestProducer, admin: kafka.admin() };
}
