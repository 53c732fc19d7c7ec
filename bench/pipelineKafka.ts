/**
 * Figure 2 of the pipeline over Kafka: identity (commands handled in this
 * process), its relay to a Kafka broker of the benchmark's own, and the
 * notifier consuming from it, each composed as its own process composes it;
 * the SMS provider accepts at once, so what is timed is the pipeline.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSendingChannel, generateBoxKeyPair, generateSecretKey } from '@tessera/crypto';
import { createSqliteEventStore, type EventStore } from '@tessera/event-store';
import { composeIdentity, createFileCheckpointStore, defaultIdentityConfig } from '@tessera/identity';
import { createKafkaBus } from '@tessera/messaging';
import { composeNotifier } from '@tessera/notifier';
import { createPersonalDataProtector, createSqliteKeyStore, deriveKeyEncryptionKey } from '@tessera/personal-data';
import { createSqliteViewStore } from '@tessera/read-models';
import type { SmsSender } from '@tessera/sms';
import { now, onSchedule, quantiles, silent, sleep, WARMUP_SECONDS, type Quantiles } from './measuring.ts';

export type KafkaSmsFigures = Quantiles & { rate: number; seconds: number };

/** Milliseconds from each OtpIssued recorded since `measuredFrom` to its SMS handed over, read back from the store. */
async function latenciesSince(eventStore: EventStore, measuredFrom: number, sentAt: Map<string, number>) {
  const latencies: number[] = [];
  for (let after = 0; ;) {
    const page = await eventStore.readAll({ after, maxCount: 5000 });
    if (page.length === 0) break;
    for (const event of page) {
      const at = Date.parse(event.recordedAt);
      const sent = sentAt.get(event.eventId);
      if (event.type === 'OtpIssued' && at >= measuredFrom && sent !== undefined) latencies.push(sent - at);
    }
    after = page.at(-1)!.position;
  }
  return latencies;
}

/** Identity and the notifier on a Kafka bus at `brokers`, with stores in `dir`. */
async function composeOverKafka(dir: string, brokers: string, sms: SmsSender) {
  const eventStore = createSqliteEventStore({ path: path.join(dir, 'events.sqlite') });
  const ledgerStore = createSqliteViewStore({ path: path.join(dir, 'views.sqlite') });
  const keyStore = createSqliteKeyStore({ path: path.join(dir, 'keys.sqlite') });
  const keyring = { hashingKey: generateSecretKey(), commandKeyPair: generateBoxKeyPair() };
  const notifierKeyPair = generateBoxKeyPair();
  const personalData = createPersonalDataProtector({
    keyStore,
    keyEncryptionKey: deriveKeyEncryptionKey(keyring.hashingKey),
  });
  const bus = createKafkaBus({ brokers: [brokers], clientId: `bench-pipeline-${process.pid}`, logLevel: 'error' });
  const relayCheckpoints = createFileCheckpointStore(path.join(dir, 'relay.json'));
  const identity = await composeIdentity(
    { eventStore, bus, personalData, relayCheckpoints },
    {
      config: {
        ...defaultIdentityConfig,
        smsBudget: { ...defaultIdentityConfig.smsBudget, perWindow: 1_000_000, perDay: 1_000_000 },
      },
      passwordHashing: { memoryBytes: 8 * 1024 * 1024, iterations: 1 },
      keyring: { ...keyring, notifierKeyPair },
      kycPublicBaseUrl: 'http://127.0.0.1',
      clock: () => new Date(),
    },
    silent,
  );
  const notifier = await composeNotifier(
    { bus, ledgerStore, sms, personalData },
    { keyPair: notifierKeyPair, brand: 'Tessera', clock: () => new Date() },
    silent,
  );
  const relay = await identity.startRelay();
  const close = async () => {
    await relay.stop();
    // Written now, so no pending write lands in the removed directory.
    relayCheckpoints.flush();
    for (const consumer of [identity.commands, ...notifier]) await consumer.stop();
    await bus.close();
    await eventStore.close();
    await ledgerStore.close();
    await keyStore.close();
  };
  return { identity, eventStore, commandPublicKey: keyring.commandKeyPair.publicKey, close };
}

export async function measureSmsOverKafka(
  rate: number,
  seconds: number,
  log: (line: string) => void,
): Promise<KafkaSmsFigures> {
  const { freePort, ownKafka } = await import('../test/support/processes.ts');
  const kafka = ownKafka('bench-pipeline', await freePort(), await freePort());
  log('kafka: starting a broker');
  kafka.start();
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-pipeline-kafka-'));
  const sentAt = new Map<string, number>();
  // A provider that accepts at once: what is timed is the pipeline, not a provider's API.
  const sms: SmsSender = {
    async send(message) {
      sentAt.set(message.reference, now());
      return { providerMessageId: randomUUID() };
    },
  };
  const composed = await composeOverKafka(dir, kafka.brokers, sms);
  const { service } = composed.identity;
  const channel = createSendingChannel(composed.commandPublicKey);
  try {
    const user = async (index: number) => {
      const email = `kafka-${index}@example.com`;
      const metadata = { correlationId: randomUUID(), clientId: 'bench' };
      const sealedSecrets = channel.seal({ password: `Bench-${randomUUID()}` });
      const registered = await service.handle({
        type: 'RegisterUser',
        metadata,
        payload: { email, phoneNumber: `+3362${String(index).padStart(7, '0')}`, roles: [], sealedSecrets },
      });
      if (!registered.ok) throw new Error(`RegisterUser: ${registered.error}`);
      const login = await service.handle({ type: 'StartLogin', metadata, payload: { email, sealedSecrets } });
      if (!login.ok) throw new Error(`StartLogin: ${login.error}`);
    };
    log(`kafka: ${WARMUP_SECONDS} s warm-up, then ${seconds} s at ${rate} logins/s`);
    await onSchedule(rate, WARMUP_SECONDS, user);
    await sleep(2000);
    const measuredFrom = Date.now();
    const sent = await onSchedule(rate, seconds, user, 1_000_000);
    for (let waited = 0; sentAt.size < sent + Math.round(rate * WARMUP_SECONDS) && waited < 10_000; waited += 100)
      await sleep(100);
    return { ...quantiles(await latenciesSince(composed.eventStore, measuredFrom, sentAt)), rate, seconds };
  } finally {
    await composed.close();
    rmSync(dir, { recursive: true, force: true });
    kafka.remove();
  }
}
