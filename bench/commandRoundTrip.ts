/**
 * The gateway → Kafka → identity → Kafka → gateway round trip, at a steady
 * request rate: identity (real service, SQLite event store) serves
 * `identity.commands.v1` on a fresh topic namespace; requests are sent on a
 * fixed schedule, not as fast as possible, so latency is not queueing on the
 * generator. It runs against a broker of its own (deploy/local/kafka.sh, instance "bench"), so earlier runs
 * leave nothing behind to slow it. `npm run bench:pipeline` (and so `npm run bench`) runs it at 200/s for 30 s;
 * alone: `npm run bench:command-round-trip -- [rate] [seconds]`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IdentityCommand } from '@tessera/contracts';
import { createPasswordHasher, generateBoxKeyPair, generateSecretKey } from '@tessera/crypto';
import { createPersonalDataProtector, createSqliteKeyStore, deriveKeyEncryptionKey } from '@tessera/personal-data';
import type { PersonalDataKeyStore } from '@tessera/personal-data';
import { createDevKycProvider, createDevWalletIssuer } from '@tessera/providers';
import { createSqliteEventStore } from '@tessera/event-store';
import type { EventStore } from '@tessera/event-store';
import {
  createIdentityService,
  defaultIdentityConfig,
  loadBreachedPasswordList,
  serveIdentityCommands,
} from '@tessera/identity';
import { createBusIdentityClient } from '@tessera/gateway';
import type { IdentityClient } from '@tessera/gateway';
import { createLogger } from '@tessera/logging';
import { createKafkaBus } from '@tessera/messaging';
import { freePort, ownKafka } from '../test/support/processes.ts';

export interface RoundTripFigures {
  rate: number;
  seconds: number;
  requests: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
}

export async function measureCommandRoundTrip(rate: number, seconds: number): Promise<RoundTripFigures> {
  const kafka = ownKafka('bench', await freePort(), await freePort());
  kafka.start();
  const brokers = [kafka.brokers];
  const warmupSeconds = 3;
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-rtt-'));
  const eventStore = createSqliteEventStore({ path: path.join(dir, 'events.sqlite') });
  const keyStore = createSqliteKeyStore({ path: path.join(dir, 'keys.sqlite') });
  try {
    const pipeline = await startCommandPipeline(brokers, eventStore, keyStore);
    const send = () => timedRoundTrip(pipeline.client);
    await runAtRate(send, rate, warmupSeconds);
    const { latencies, errors } = await runAtRate(send, rate, seconds);
    latencies.sort((a, b) => a - b);
    await pipeline.stop();
    return {
      rate,
      seconds,
      requests: latencies.length,
      errors,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? NaN,
    };
  } finally {
    await eventStore.close();
    await keyStore.close();
    rmSync(dir, { recursive: true, force: true });
    kafka.remove();
  }
}

/** Identity serving its commands over Kafka, and the gateway's client of them; `stop` closes both buses. */
async function startCommandPipeline(
  brokers: string[],
  eventStore: EventStore,
  keyStore: PersonalDataKeyStore,
): Promise<{ client: IdentityClient; stop(): Promise<void> }> {
  const logger = createLogger('bench', { level: 'silent' });
  const hashingKey = generateSecretKey();
  const commandKeyPair = generateBoxKeyPair();
  const service = createIdentityService({
    eventStore,
    personalData: createPersonalDataProtector({ keyStore, keyEncryptionKey: deriveKeyEncryptionKey(hashingKey) }),
    kycProvider: createDevKycProvider({ publicBaseUrl: 'http://127.0.0.1' }),
    wallet: createDevWalletIssuer(),
    passwordHasher: await createPasswordHasher({ memoryBytes: 8 * 1024 * 1024, iterations: 1 }),
    breachedPasswords: loadBreachedPasswordList(),
    keys: { hashingKey, commandKeyPair, notifierPublicKey: generateBoxKeyPair().publicKey },
    config: defaultIdentityConfig,
    clock: () => new Date(),
  });
  const serverBus = createKafkaBus({ brokers, clientId: `bench-identity-${process.pid}`, logLevel: 'error' });
  const clientBus = createKafkaBus({ brokers, clientId: `bench-gateway-${process.pid}`, logLevel: 'error' });
  const server = await serveIdentityCommands(serverBus, service, logger, commandKeyPair);
  // The gateway's client: the payload sealed to identity, the reply encrypted back, as in production.
  const client = createBusIdentityClient(clientBus, {
    timeoutMs: 5000,
    commandPublicKey: commandKeyPair.publicKey,
    hashingKey,
  });
  return {
    client,
    async stop() {
      await server.stop();
      await serverBus.close();
      await clientBus.close();
    },
  };
}

// A cheap, realistic command: a password reset for an email with no user (two stream reads, no hashing).
const unknownEmailPasswordReset = (): Extract<IdentityCommand, { type: 'StartPasswordReset' }> => ({
  type: 'StartPasswordReset',
  metadata: { correlationId: randomUUID(), clientId: 'bench' },
  payload: { email: `nobody-${randomUUID()}@example.com` },
});

/** One command's round trip in milliseconds; rejects when identity answers with an error. */
async function timedRoundTrip(client: IdentityClient): Promise<number> {
  const started = process.hrtime.bigint();
  const message = unknownEmailPasswordReset();
  const result = await client.send(message);
  if (!result.ok) throw new Error(`identity answered ${result.error}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** Sends `rate` requests a second on a fixed schedule for `durationSeconds`, then waits for every answer. */
async function runAtRate(
  send: () => Promise<number>,
  rate: number,
  durationSeconds: number,
): Promise<{ latencies: number[]; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const pending: Promise<void>[] = [];
  const total = Math.round(rate * durationSeconds);
  const start = performance.now();
  for (let index = 0; index < total; index += 1) {
    const due = start + (index * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(
      send().then(
        (ms) => void latencies.push(ms),
        () => void (errors += 1),
      ),
    );
  }
  await Promise.all(pending);
  return { latencies, errors };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await measureCommandRoundTrip(Number(process.argv[2] ?? 200), Number(process.argv[3] ?? 20));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
