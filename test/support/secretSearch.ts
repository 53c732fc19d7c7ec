/** Everything a distributed deployment holds outside its logs, as text to search: every Kafka message and every MongoDB document. */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';

/** Each message of every topic (keys, values and headers), from the beginning, one string per topic. */
export async function kafkaContents(brokers: string): Promise<Record<string, string>> {
  const kafka = new Kafka({ brokers: [brokers], clientId: 'secret-search', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((topic) => !topic.startsWith('__'));
  let expected = 0;
  for (const topic of topics) {
    for (const partition of await admin.fetchTopicOffsets(topic))
      expected += Number(partition.high) - Number(partition.low);
  }
  await admin.disconnect();
  const contents: Record<string, string[]> = Object.fromEntries(topics.map((topic) => [topic, []]));
  const consumer = kafka.consumer({ groupId: `secret-search-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  let seen = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`read ${seen} of ${expected} messages`)), 60_000);
    if (expected === 0) {
      clearTimeout(timer);
      resolve();
      return;
    }
    void consumer
      .run({
        eachMessage: async ({ topic, message }) => {
          const headers = Object.entries(message.headers ?? {})
            .map(([name, value]) => `${name}=${String(value)}`)
            .join(';');
          contents[topic]!.push(`${message.key?.toString() ?? ''}|${message.value?.toString() ?? ''}|${headers}`);
          seen += 1;
          if (seen >= expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return Object.fromEntries(Object.entries(contents).map(([topic, messages]) => [topic, messages.join('\n')]));
}

/** Each collection of the given databases as JSON, keyed `<database>.<collection>`. */
export async function mongoContents(url: string, databases: string[]): Promise<Record<string, string>> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
  try {
    const contents: Record<string, string> = {};
    for (const name of databases) {
      const db = client.db(name);
      for (const { name: collection } of await db.listCollections().toArray()) {
        contents[`${name}.${collection}`] = JSON.stringify(await db.collection(collection).find().toArray());
      }
    }
    return contents;
  } finally {
    await client.close();
  }
}
