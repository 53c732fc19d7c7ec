import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';

/** Creates topics before first use, once per topic and bus. */
export interface KafkaTopics {
  /** Resolves once `topic` exists and every partition has a leader. */
  ensure(topic: string, settings?: TopicSettings): Promise<void>;
  /** Deletes `topic`; for the bus's own reply topic. */
  remove(topic: string): Promise<void>;
}

/** How a topic is created when it does not exist yet. */
export interface TopicSettings {
  partitions: number;
  replicationFactor: number;
  /** Topic-level configuration, e.g. `retention.ms`. */
  config?: Record<string, string>;
}

const LEADER_WAIT_MS = 10_000;

/**
 * Topics are created explicitly instead of by the broker's auto-creation: that
 * would pick the broker's partition count, and the first produce to a fresh
 * topic can fail with LEADER_NOT_AVAILABLE while its leaders are elected.
 */
export function createKafkaTopics(admin: Admin, defaults: TopicSettings): KafkaTopics {
  const known = new Map<string, Promise<void>>();

  const create = async (topic: string, settings: TopicSettings): Promise<void> => {
    const configEntries = Object.entries(settings.config ?? {}).map(([name, value]) => ({ name, value }));
    // Resolves false when the topic exists; it may be a few ms old, so leaders are checked either way.
    await admin.createTopics({
      topics: [
        { topic, numPartitions: settings.partitions, replicationFactor: settings.replicationFactor, configEntries },
      ],
      waitForLeaders: true,
    });
    await waitForLeaders(admin, topic);
  };

  return {
    ensure(topic, settings = defaults) {
      let ready = known.get(topic);
      if (ready === undefined) {
        ready = create(topic, settings);
        known.set(topic, ready);
        // A failed attempt must not stick: the next use tries again.
        ready.catch(() => known.delete(topic));
      }
      return ready;
    },
    async remove(topic) {
      known.delete(topic);
      await admin.deleteTopics({ topics: [topic] });
    },
  };
}

async function waitForLeaders(admin: Admin, topic: string): Promise<void> {
  const deadline = Date.now() + LEADER_WAIT_MS;
  for (;;) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const partitions = topics.find((candidate) => candidate.name === topic)?.partitions ?? [];
      if (partitions.length > 0 && partitions.every((partition) => partition.leader >= 0)) return;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    if (Date.now() >= deadline) throw new Error(`topic ${topic} has no leader after ${LEADER_WAIT_MS} ms`);
    await sleep(50);
  }
}
