/**
 * The event log as Kafka's topic holds it: every partition read from its
 * start to its end as of opening, by a consumer group of its own that commits
 * nothing. The relay publishes at least once, so copies of an event are
 * dropped by id; the partitions are keyed by user, so the log's order is
 * restored by position.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { topics } from '@tessera/contracts';
import { deliveredCopiesLog, toLoggedEvent, type LogSource, type LoggedEvent } from './logSource.ts';

/** How long the topic may stay silent before the reading gives up. */
const IDLE_TIMEOUT_MS = 60_000;

export async function openKafkaLog(brokers: string[]): Promise<LogSource> {
  const topic = topics.identityEvents;
  const copies = await readTopic(brokers, topic);
  return deliveredCopiesLog(`the Kafka topic ${topic} (${brokers.join(',')})`, copies);
}

async function readTopic(brokers: string[], topic: string): Promise<LoggedEvent[]> {
  const kafka = new Kafka({ brokers, clientId: 'tessera-audit', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const group = `tessera-audit-${randomUUID()}`;
  try {
    const ends = new Map<number, bigint>();
    for (const partition of await admin.fetchTopicOffsets(topic)) {
      if (BigInt(partition.high) > BigInt(partition.low)) ends.set(partition.partition, BigInt(partition.high) - 1n);
    }
    const copies: LoggedEvent[] = [];
    const unreadable: unknown[] = [];
    if (ends.size > 0) await consumeUntil(kafka, group, topic, ends, { copies, unreadable });
    if (unreadable.length > 0) throw unreadable[0];
    return copies;
  } finally {
    await admin.deleteGroups([group]).catch(() => undefined);
    await admin.disconnect();
  }
}

/** Reads each partition up to the offset in `ends`, every copy of every event. */
async function consumeUntil(
  kafka: Kafka,
  group: string,
  topic: string,
  ends: Map<number, bigint>,
  { copies, unreadable }: { copies: LoggedEvent[]; unreadable: unknown[] },
): Promise<void> {
  const consumer = kafka.consumer({ groupId: group, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      let timer = setTimeout(() => reject(idle(ends)), IDLE_TIMEOUT_MS);
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            clearTimeout(timer);
            timer = setTimeout(() => reject(idle(ends)), IDLE_TIMEOUT_MS);
            const where = `the message at offset ${message.offset} of partition ${partition}`;
            let value: unknown;
            try {
              value = JSON.parse(message.value?.toString('utf8') ?? '');
            } catch {
              value = undefined;
            }
            // A message that is no event is reported once the topic is read: throwing here would only make kafkajs retry.
            try {
              copies.push(toLoggedEvent(value, where, 0));
            } catch (error) {
              unreadable.push(error);
            }
            const end = ends.get(partition);
            if (end !== undefined && BigInt(message.offset) >= end) ends.delete(partition);
            if (ends.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}

function idle(ends: Map<number, bigint>): Error {
  const partitions = [...ends.keys()].join(', ');
  return new Error(`Kafka sent nothing for ${IDLE_TIMEOUT_MS / 1000} s before partitions ${partitions} were read`);
}
