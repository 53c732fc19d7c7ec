/**
 * `npm run audit -- verify --from-kafka` on a broker of the test's own: the
 * log as the relay publishes it to identity.events.v1 (keyed by user over
 * several partitions, some events twice) verifies; a second, different copy
 * of an event is named as an alteration.
 */
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { toEventMessage, topics } from '@tessera/contracts';
import { createSqliteEventStore, type RecordedEvent } from '@tessera/event-store';
import { requireServer } from '@tessera/testing';
import { writeChainedLog } from '../../packages/audit/test/fixtures/chainedLog.ts';
import { runAudit } from '../../packages/audit/test/fixtures/runAudit.ts';
import { freePort, ownKafka } from '../support/processes.ts';

const kafkaAvailable = requireServer(t, 'KAFKA_BROKERS', 'verifying the log from its copy on Kafka');

if (kafkaAvailable) {
  t.test(
    'the log as Kafka holds it verifies, and a different copy of an event is a break',
    { timeout: 240_000 },
    async (t) => {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-audit-kafka-'));
      const kafka = ownKafka(`audit-${process.pid}`, await freePort(), await freePort());
      t.teardown(() => {
        try {
          kafka.stop();
        } finally {
          kafka.remove();
          rmSync(dataDir, { recursive: true, force: true });
        }
      });
      const log = await writeChainedLog(dataDir);
      const store = createSqliteEventStore({ path: log.file });
      const events = await store.readAll();
      await store.close();

      kafka.start();
      const client = new Kafka({ brokers: [kafka.brokers], clientId: 'audit-test', logLevel: logLevel.NOTHING });
      const admin = client.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: topics.identityEvents, numPartitions: 3 }], waitForLeaders: true });
      await admin.disconnect();
      const producer = client.producer();
      await producer.connect();
      t.teardown(() => producer.disconnect());
      const publish = (batch: RecordedEvent[]) =>
        producer.send({
          topic: topics.identityEvents,
          messages: batch.map((event) => {
            const { key, value, headers } = toEventMessage(event);
            return { key, value: JSON.stringify(value), headers };
          }),
        });
      // At least once: the relay published the first events again after a restart.
      await publish([...events, ...events.slice(0, 5)]);

      const env = { DATA_DIR: path.join(dataDir, 'elsewhere'), KAFKA_BROKERS: kafka.brokers };
      const args = ['verify', '--from-kafka', '--public-key', log.publicKey];
      const clean = await runAudit(args, env);
      t.equal(clean.status, 0, clean.stdout + clean.stderr);
      t.match(clean.stdout, `verified 18 events up to position 18; 3 checkpoints`);
      t.match(clean.stdout, `read: the Kafka topic ${topics.identityEvents}`);

      const target = events.find((event) => event.position === log.at.cRegistered)!;
      await publish([{ ...target, data: { ...target.data, roles: ['admin'] } }]);
      const altered = await runAudit(args, env);
      t.equal(altered.status, 1, altered.stdout + altered.stderr);
      t.match(
        altered.stdout,
        `BREAK at position ${target.position} (stream ${target.streamId}): altered: the topic holds two different copies of event ${target.eventId}`,
      );
    },
  );
}
