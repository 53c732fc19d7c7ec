/**
 * The event pipeline behind the API, measured at its boundaries:
 * 1. projection lag in the embedded default: an event's `recordedAt` → its
 *    view writes done (the embedded observer's `projected`), under a steady
 *    load of sign-ups and logins through the real HTTP API;
 * 2. `OtpIssued` → SMS handed to the provider (`recordedAt` → the sender's
 *    `send` resolved), embedded (same run, dev outbox) and over Kafka
 *    (identity, relay and notifier on a Kafka bus against a broker of the
 *    benchmark's own, with a sender that accepts at once);
 * 2b. the command round trip over Kafka at 200 requests/s (commandRoundTrip.ts);
 * 3. replay throughput: a generated log rebuilt into SQLite views;
 * 4. RSS of the embedded process at idle and under the load.
 * `recordedAt` has millisecond resolution, so latencies may read up to 1 ms high.
 *
 * Usage: node --import tsx bench/pipeline.ts [--rate 20] [--seconds 30] [--events 1000000] [--no-kafka]
 * Standalone, it rewrites the section between the bench:pipeline markers of docs/benchmarks.md.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import Database from 'better-sqlite3';
import { streams, type EventMessageValue } from '@tessera/contracts';
import {
  createPasswordHasher,
  generateBoxKeyPair,
  generateSecretKey,
  sealJson,
  createSendingChannel,
} from '@tessera/crypto';
import { loadConfig, startEmbedded } from '@tessera/embedded';
import { createSqliteEventStore } from '@tessera/event-store';
import {
  createFileCheckpointStore,
  createIdentityService,
  defaultIdentityConfig,
  loadBreachedPasswordList,
  serveIdentityCommands,
  startRelay,
} from '@tessera/identity';
import { createLogger } from '@tessera/logging';
import { createKafkaBus } from '@tessera/messaging';
import { composeNotifier } from '@tessera/notifier';
import { createPersonalDataProtector, createSqliteKeyStore, deriveKeyEncryptionKey } from '@tessera/personal-data';
import { rebuildReadModels, REPLAY_CACHED_KEYS } from '@tessera/projector';
import { createDevKycProvider, createDevWalletIssuer } from '@tessera/providers';
import { createSqliteViewStore } from '@tessera/read-models';
import type { SmsSender } from '@tessera/sms';
import type { RoundTripFigures } from './commandRoundTrip.ts';
import { writeSections } from './report.ts';

const execFileAsync = promisify(execFile);

export interface PipelineOptions {
  /** Users per second, each signing up then logging in (one OtpIssued each); default 20. */
  rate?: number;
  /** Measured seconds of load, after a 3 s warm-up; default 30. */
  seconds?: number;
  /** Events in the generated log the replay rebuilds; default 1,000,000. */
  replayEvents?: number;
  /** Measure the SMS hand-off over Kafka too (starts a broker of its own); default true. */
  kafka?: boolean;
  /** Progress lines; default none. */
  log?: (line: string) => void;
}

export interface Quantiles {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export interface PipelineFigures {
  date: string;
  command: string;
  load: { rate: number; seconds: number; users: number; httpErrors: number };
  /** Milliseconds, recordedAt → view written, user-stream events. */
  projectionLag: Quantiles;
  /** Milliseconds, OtpIssued recordedAt → send resolved. */
  smsEmbedded: Quantiles;
  smsKafka?: Quantiles & { rate: number; seconds: number };
  /** Milliseconds, the gateway's identity client over Kafka at a fixed rate. */
  commandRoundTrip?: RoundTripFigures;
  replay: { events: number; users: number; generateSeconds: number; rebuildSeconds: number; eventsPerSecond: number };
  /** MiB. */
  rss: { idle: number; underLoadPeak: number; underLoadMedian: number };
}

const WARMUP_SECONDS = 3;
/** The rate the round-trip target is set at. */
const ROUND_TRIP_RATE = 200;
const silent = createLogger('bench', { level: 'silent' });
const now = () => performance.timeOrigin + performance.now();
const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function quantiles(values: number[]): Quantiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
  return { count: sorted.length, p50: at(50), p99: at(99), max: sorted.at(-1) ?? NaN };
}

/** Calls `task(index)` on a fixed schedule (open loop), so latency is not queueing on the generator. */
async function onSchedule(
  rate: number,
  seconds: number,
  task: (index: number) => Promise<void>,
  first = 0,
): Promise<number> {
  const total = Math.round(rate * seconds);
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let index = 0; index < total; index += 1) {
    const wait = start + (index * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(task(first + index));
  }
  await Promise.all(pending);
  return total;
}

/** Figures 1, 2 (embedded) and 4: one embedded server, sign-ups and logins over HTTP. */
async function measureEmbedded(rate: number, seconds: number, log: (line: string) => void) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-pipeline-'));
  const client = { id: 'bench-client', secret: 'bench-client-secret-0123456789' };
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    DEV_CLIENT_ID: client.id,
    DEV_CLIENT_SECRET: client.secret,
    LOG_LEVEL: 'warn',
    // Cheap hashing, so the load is the pipeline's and not argon2id's (which the HTTP figures cover).
    ARGON2_MEMORY_KIB: '8192',
    ARGON2_ITERATIONS: '1',
    RATE_LIMIT_PER_IP: '1000000',
    RATE_LIMIT_SENSITIVE_PER_IP: '1000000',
    RATE_LIMIT_PER_IDENTIFIER: '1000000',
  });
  let measuring = false;
  const recordedAt = new Map<string, number>();
  const sentAt = new Map<string, number>();
  const lags: number[] = [];
  const running = await startEmbedded(config, {
    printSms: null,
    observer: {
      projected: (event: EventMessageValue) => {
        if (!measuring || !event.streamId.startsWith('user-')) return;
        const at = Date.parse(event.recordedAt);
        lags.push(now() - at);
        if (event.type === 'OtpIssued') recordedAt.set(event.eventId, at);
      },
      smsHandedOver: (reference: string) => {
        if (measuring) sentAt.set(reference, now());
      },
    },
  });
  try {
    const tokenResponse = await fetch(`${running.url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    const token = ((await tokenResponse.json()) as { access_token: string }).access_token;
    await sleep(2000);
    const idle = process.memoryUsage().rss;
    let httpErrors = 0;
    const post = async (route: string, body: unknown) => {
      const response = await fetch(`${running.url}${route}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${route} answered ${response.status}`);
    };
    const user = async (index: number) => {
      const email = `bench-${index}-${randomUUID().slice(0, 8)}@example.com`;
      const password = `Bench-${randomUUID()}`;
      try {
        await post('/v1/user/sign-up', { email, phoneNumber: `+3361${String(index).padStart(7, '0')}`, password });
        await post('/v1/user/login', { username: email, password });
      } catch {
        httpErrors += 1;
      }
    };
    log(`embedded: ${WARMUP_SECONDS} s warm-up, then ${seconds} s at ${rate} users/s`);
    await onSchedule(rate, WARMUP_SECONDS, user);
    await sleep(500);
    httpErrors = 0;
    measuring = true;
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(process.memoryUsage().rss), 100);
    const users = await onSchedule(rate, seconds, user, 1_000_000);
    await sleep(1000);
    clearInterval(sampler);
    measuring = false;
    const sms: number[] = [];
    for (const [eventId, at] of recordedAt) {
      const sent = sentAt.get(eventId);
      if (sent !== undefined) sms.push(sent - at);
    }
    const sortedRss = [...rss].sort((a, b) => a - b);
    return {
      load: { rate, seconds, users, httpErrors },
      projectionLag: quantiles(lags),
      smsEmbedded: quantiles(sms),
      rss: {
        idle: mib(idle),
        underLoadPeak: mib(sortedRss.at(-1) ?? NaN),
        underLoadMedian: mib(sortedRss[Math.floor(sortedRss.length / 2)] ?? NaN),
      },
    };
  } finally {
    await running.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Figure 2 over Kafka: identity (commands handled in-process), relay to Kafka, notifier consuming from Kafka. */
async function measureSmsOverKafka(
  rate: number,
  seconds: number,
  log: (line: string) => void,
): Promise<NonNullable<PipelineFigures['smsKafka']>> {
  const { freePort, ownKafka } = await import('../test/support/processes.ts');
  const kafka = ownKafka('bench-pipeline', await freePort(), await freePort());
  log('kafka: starting a broker');
  kafka.start();
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-pipeline-kafka-'));
  const eventStore = createSqliteEventStore({ path: path.join(dir, 'events.sqlite') });
  const viewStore = createSqliteViewStore({ path: path.join(dir, 'views.sqlite') });
  const keyStore = createSqliteKeyStore({ path: path.join(dir, 'keys.sqlite') });
  const hashingKey = generateSecretKey();
  const commandKeyPair = generateBoxKeyPair();
  const notifierKeyPair = generateBoxKeyPair();
  const personalData = createPersonalDataProtector({ keyStore, keyEncryptionKey: deriveKeyEncryptionKey(hashingKey) });
  const service = createIdentityService({
    eventStore,
    personalData,
    kycProvider: createDevKycProvider({ publicBaseUrl: 'http://127.0.0.1' }),
    wallet: createDevWalletIssuer(),
    passwordHasher: await createPasswordHasher({ memoryBytes: 8 * 1024 * 1024, iterations: 1 }),
    breachedPasswords: loadBreachedPasswordList(),
    keys: { hashingKey, commandKeyPair, notifierPublicKey: notifierKeyPair.publicKey },
    config: {
      ...defaultIdentityConfig,
      smsBudget: { ...defaultIdentityConfig.smsBudget, perWindow: 1_000_000, perDay: 1_000_000 },
    },
    clock: () => new Date(),
  });
  const bus = createKafkaBus({
    brokers: [kafka.brokers],
    clientId: `bench-pipeline-${process.pid}`,
    logLevel: 'error',
  });
  const sentAt = new Map<string, number>();
  // A provider that accepts at once: what is timed is the pipeline, not a provider's API.
  const sms: SmsSender = {
    async send(message) {
      sentAt.set(message.reference, now());
      return { providerMessageId: randomUUID() };
    },
  };
  const consumers = [
    await serveIdentityCommands(bus, service, silent, commandKeyPair),
    ...(await composeNotifier(
      { bus, ledgerStore: viewStore, sms, personalData },
      { keyPair: notifierKeyPair, brand: 'Tessera', clock: () => new Date() },
      silent,
    )),
  ];
  const checkpoints = createFileCheckpointStore(path.join(dir, 'relay.json'));
  const relay = await startRelay({ eventStore, bus, checkpoints, logger: silent });
  const channel = createSendingChannel(commandKeyPair.publicKey);
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
    // recordedAt of each OtpIssued appended while measuring, read back from the store.
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
    return { ...quantiles(latencies), rate, seconds };
  } finally {
    await relay.stop();
    // Written now, so no pending write lands in the removed directory.
    checkpoints.flush();
    for (const consumer of consumers) await consumer.stop();
    await bus.close();
    await eventStore.close();
    await viewStore.close();
    await keyStore.close();
    rmSync(dir, { recursive: true, force: true });
    kafka.remove();
  }
}

/**
 * Figure 3. The log is written as rows straight into the store's table (the
 * store's schema, made by the store itself), 20,000 per transaction: through
 * `append` each batch is a transaction of its own and generation would dwarf
 * the replay. Personal fields are encrypted through the protector, as
 * identity stores them.
 */
export async function measureReplay(target: number, log: (line: string) => void): Promise<PipelineFigures['replay']> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-replay-'));
  try {
    const eventsPath = path.join(dir, 'events.sqlite');
    await createSqliteEventStore({ path: eventsPath }).close();
    const keyStore = createSqliteKeyStore({ path: path.join(dir, 'keys.sqlite') });
    const keyEncryptionKey = deriveKeyEncryptionKey(generateSecretKey());
    const personalData = createPersonalDataProtector({ keyStore, keyEncryptionKey });
    const notifierKey = generateBoxKeyPair().publicKey;
    const db = new Database(eventsPath);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    const insert = db.prepare(
      'INSERT INTO events (stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?)',
    );
    type Row = [string, number, string, string, string, string, string];
    const flush = db.transaction((rows: Row[]) => {
      for (const row of rows) insert.run(...row);
    });
    const revisions = new Map<string, number>();
    let rows: Row[] = [];
    let written = 0;
    const startedAt = Date.parse('2026-01-01T00:00:00Z');
    const append = async (streamId: string, type: string, data: Record<string, unknown>) => {
      const revision = (revisions.get(streamId) ?? -1) + 1;
      if (streamId.startsWith('user-')) revisions.set(streamId, revision);
      const at = new Date(startedAt + written * 1000).toISOString();
      const stored = await personalData.protect(type, data);
      rows.push([
        streamId,
        revision,
        randomUUID(),
        type,
        JSON.stringify(stored),
        JSON.stringify({ correlationId: randomUUID(), clientId: 'partner', occurredAt: at }),
        at,
      ]);
      written += 1;
      if (rows.length >= 20_000) {
        flush(rows);
        rows = [];
      }
    };
    const generateStarted = performance.now();
    const users: string[] = [];
    const login = async (userId: string, first: boolean) => {
      const sessionId = randomUUID();
      const expiresAt = new Date(startedAt + written * 1000 + 300_000).toISOString();
      await append(streams.user(userId), 'OtpIssued', {
        userId,
        sessionId,
        purpose: 'LOGIN',
        codeHash: randomUUID(),
        sealedDelivery: sealJson(notifierKey, { code: '123456', to: '+33612345678' }),
        destinationHint: '+33 6 •• •• •• 78',
        issuedAt: expiresAt,
        expiresAt,
        maxAttempts: 3,
      });
      await append(streams.user(userId), 'SmsDispatched', {
        userId,
        sourceEventId: randomUUID(),
        purpose: 'OTP',
        provider: 'plivo',
        providerMessageId: randomUUID(),
      });
      await append(streams.user(userId), 'OtpVerified', { userId, sessionId, purpose: 'LOGIN' });
      if (first) await append(streams.user(userId), 'PhoneNumberVerified', { userId });
      await append(streams.user(userId), 'SessionStarted', {
        userId,
        sessionId,
        familyId: randomUUID(),
        refreshTokenHash: randomUUID(),
        expiresAt,
      });
    };
    while (written < target) {
      // A new user: reservations, registration, main account, first login; a third go through KYC and a portfolio.
      const index = users.length;
      const userId = randomUUID();
      users.push(userId);
      await append(streams.email(`e${index}`), 'EmailReserved', { userId });
      await append(streams.phone(`p${index}`), 'PhoneNumberReserved', { userId });
      await append(streams.user(userId), 'UserRegistered', {
        userId,
        email: `user-${index}@example.com`,
        phoneNumber: `+3361${String(index).padStart(7, '0')}`,
        passwordHash: '$argon2id$v=19$m=65536,t=3,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG',
        roles: ['USER'],
        clientId: 'partner',
      });
      const accountId = randomUUID();
      await append(streams.user(userId), 'AccountOpened', { userId, accountId, kind: 'MAIN' });
      await login(userId, true);
      if (index % 3 === 0) {
        const identificationId = randomUUID();
        await append(streams.user(userId), 'KycStarted', { userId, identificationId, attempt: 1, provider: 'dev' });
        await append(streams.user(userId), 'KycApproved', { userId, identificationId });
        await append(streams.user(userId), 'AccountActivated', { userId, accountId, reason: 'KYC_APPROVED' });
        await append(streams.user(userId), 'PortfolioCreated', {
          userId,
          accountId,
          portfolioId: randomUUID(),
          name: 'Main',
          portfolioAccountType: 'TRADING',
          publicAddress: `0x${randomUUID().replaceAll('-', '')}`,
        });
      }
      // Returning users log in again, some long after their key left the cache.
      for (let again = 0; again < 1; again += 1) await login(users[Math.floor(Math.random() * users.length)]!, false);
    }
    if (rows.length > 0) flush(rows);
    db.close();
    const generateSeconds = (performance.now() - generateStarted) / 1000;
    log(`replay: ${written} events for ${users.length} users generated in ${generateSeconds.toFixed(1)} s; rebuilding`);
    const eventStore = createSqliteEventStore({ path: eventsPath });
    const views = createSqliteViewStore({ path: path.join(dir, 'views.sqlite') });
    // A fresh protector: the rebuild starts with no key cached, as a replay process does.
    const reader = createPersonalDataProtector({ keyStore, keyEncryptionKey, cacheSize: REPLAY_CACHED_KEYS });
    const rebuildStarted = performance.now();
    const result = await rebuildReadModels({
      eventStore,
      views,
      logger: silent,
      personalData: reader,
      onProgress: (progress) => {
        if (progress.events % 100_000 < 2000)
          log(`replay: ${progress.events} events, ${progress.eventsPerSecond} events/s`);
      },
    });
    const rebuildSeconds = (performance.now() - rebuildStarted) / 1000;
    await views.close();
    await eventStore.close();
    await keyStore.close();
    return {
      events: result.events,
      users: users.length,
      generateSeconds,
      rebuildSeconds,
      eventsPerSecond: Math.round(result.events / rebuildSeconds),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The round trip in a process of its own: its p99 is a few milliseconds, and
 * in this process the garbage the other measurements (and, under
 * `npm run bench`, the HTTP run) left behind would be collected in the middle of it.
 */
async function roundTripInChild(rate: number, seconds: number): Promise<RoundTripFigures> {
  const script = fileURLToPath(new URL('./commandRoundTrip.ts', import.meta.url));
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', script, String(rate), String(seconds)], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as RoundTripFigures;
}

export async function measurePipeline(options: PipelineOptions = {}): Promise<PipelineFigures> {
  const rate = options.rate ?? 20;
  const seconds = options.seconds ?? 30;
  const replayEvents = options.replayEvents ?? 1_000_000;
  const kafka = options.kafka ?? true;
  const log = options.log ?? (() => undefined);
  const embedded = await measureEmbedded(rate, seconds, log);
  const smsKafka = kafka ? await measureSmsOverKafka(rate, seconds, log) : undefined;
  if (kafka) log(`command round trip over Kafka at ${ROUND_TRIP_RATE}/s for ${seconds} s…`);
  const commandRoundTrip = kafka ? await roundTripInChild(ROUND_TRIP_RATE, seconds) : undefined;
  const replay = await measureReplay(replayEvents, log);
  const flags = [
    ...(options.rate !== undefined ? [`--rate ${rate}`] : []),
    ...(options.seconds !== undefined ? [`--seconds ${seconds}`] : []),
    ...(options.replayEvents !== undefined ? [`--events ${replayEvents}`] : []),
    ...(kafka ? [] : ['--no-kafka']),
  ];
  return {
    date: new Date().toISOString().slice(0, 10),
    command: `npm run bench:pipeline${flags.length > 0 ? ` -- ${flags.join(' ')}` : ''}`,
    load: embedded.load,
    projectionLag: embedded.projectionLag,
    smsEmbedded: embedded.smsEmbedded,
    ...(smsKafka ? { smsKafka } : {}),
    ...(commandRoundTrip ? { commandRoundTrip } : {}),
    replay,
    rss: embedded.rss,
  };
}

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'n/a');
const verdict = (met: boolean) => (met ? 'met' : '**missed**');
const thousands = (value: number) => Math.round(value).toLocaleString('en-US');

export function renderPipelineSection(figures: PipelineFigures): string {
  const { projectionLag: lag, smsEmbedded: sms, smsKafka: kafka, commandRoundTrip: trip, replay, rss, load } = figures;
  const rows = [
    `| Projection lag, embedded (recordedAt → view written) | p50 ${ms(lag.p50)}, p99 ${ms(lag.p99)}, max ${ms(lag.max)} (${thousands(lag.count)} events) | p99 < 10 ms | ${verdict(lag.p99 < 10)} |`,
    `| OtpIssued → SMS handed to provider, embedded | p50 ${ms(sms.p50)}, p99 ${ms(sms.p99)}, max ${ms(sms.max)} (${thousands(sms.count)} SMS) | — | — |`,
    kafka
      ? `| OtpIssued → SMS handed to provider, over Kafka | p50 ${ms(kafka.p50)}, p99 ${ms(kafka.p99)}, max ${ms(kafka.max)} (${thousands(kafka.count)} SMS at ${kafka.rate}/s) | p99 < 100 ms | ${verdict(kafka.p99 < 100)} |`
      : '| OtpIssued → SMS handed to provider, over Kafka | not measured (`--no-kafka`) | p99 < 100 ms | — |',
    trip
      ? `| Command round trip over Kafka (gateway's identity client → identity → reply) | p50 ${ms(trip.p50)}, p99 ${ms(trip.p99)}, max ${ms(trip.max)} (${thousands(trip.requests)} requests at ${trip.rate}/s, ${trip.errors} errors) | p99 < 30 ms at 200/s | ${verdict(trip.p99 < 30 && trip.errors === 0)} |`
      : '| Command round trip over Kafka | not measured (`--no-kafka`) | p99 < 30 ms at 200/s | — |',
    `| Replay: rebuildReadModels into SQLite views | ${thousands(replay.eventsPerSecond)} events/s (${thousands(replay.events)} events in ${replay.rebuildSeconds.toFixed(1)} s) | ≥ 50,000 events/s | ${verdict(replay.eventsPerSecond >= 50_000)} |`,
    `| RSS of the benchmark process (embedded server and its load), idle | ${rss.idle} MiB | — | — |`,
    `| RSS of the benchmark process, under the load | median ${rss.underLoadMedian} MiB, peak ${rss.underLoadPeak} MiB | — | — |`,
  ];
  return [
    '## Event pipeline',
    '',
    `Measured ${figures.date}. Load: ${load.rate} users/s for ${load.seconds} s (${thousands(load.users)} users, ${load.httpErrors} HTTP errors), each`,
    'signing up and logging in through the HTTP API of an embedded server (argon2id at 8 MiB, 1 pass, so',
    "hashing does not dominate), after a 3 s warm-up. Latencies start at the event's `recordedAt`",
    '(millisecond resolution, so they may read up to 1 ms high). Projection lag covers user-stream events;',
    'the embedded SMS sender is the dev outbox. Over Kafka, identity, the relay and the notifier run on a',
    "Kafka bus against a single-node broker of the benchmark's own, with a provider that accepts at once.",
    'The command round trip sends `StartPasswordReset` for unknown emails (stream reads, no hashing) through the',
    "gateway's identity client to the real identity service, on a fixed schedule (open loop) after a 3 s warm-up,",
    'against another broker of its own.',
    `The replay log (${thousands(replay.events)} events, ${thousands(replay.users)} users: reservations, registration with`,
    'encrypted personal fields, accounts, OTPs, SMS records, sessions, KYC and portfolios for a third, and',
    `returning logins) is written as rows in 20,000-row transactions in ${replay.generateSeconds.toFixed(0)} s, then rebuilt.`,
    "RSS is the benchmark process, which also runs the HTTP client (and, under `npm run bench`, still holds the HTTP run's data).",
    '',
    `Command: \`${figures.command}\``,
    '',
    '| figure | value | target | |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string' },
      seconds: { type: 'string' },
      events: { type: 'string' },
      'no-kafka': { type: 'boolean' },
    },
  });
  const figures = await measurePipeline({
    ...(values.rate ? { rate: Number(values.rate) } : {}),
    ...(values.seconds ? { seconds: Number(values.seconds) } : {}),
    ...(values.events ? { replayEvents: Number(values.events) } : {}),
    kafka: !values['no-kafka'],
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  const docs = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'benchmarks.md');
  writeSections(docs, { pipeline: renderPipelineSection(figures) });
}
