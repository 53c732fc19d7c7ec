/**
 * Figure 3 of the pipeline: a generated log rebuilt into SQLite views. The
 * log is written as rows straight into the store's table (the store's
 * schema, made by the store itself), 20,000 per transaction: through
 * `append` each batch is a transaction of its own and generation would dwarf
 * the replay. Personal fields are encrypted through the protector, as
 * identity stores them.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { streams } from '@tessera/contracts';
import { generateBoxKeyPair, generateSecretKey, sealJson } from '@tessera/crypto';
import { createSqliteEventStore } from '@tessera/event-store';
import {
  createPersonalDataProtector,
  createSqliteKeyStore,
  deriveKeyEncryptionKey,
  type PersonalDataKeyStore,
} from '@tessera/personal-data';
import { rebuildReadModels, REPLAY_CACHED_KEYS } from '@tessera/projector';
import { createSqliteViewStore } from '@tessera/read-models';
import { silent } from './measuring.ts';

export interface ReplayFigures {
  events: number;
  users: number;
  generateSeconds: number;
  rebuildSeconds: number;
  eventsPerSecond: number;
}

type Append = (streamId: string, type: string, data: Record<string, unknown>) => Promise<void>;
type Row = [string, number, string, string, string, string, string];

const startedAt = Date.parse('2026-01-01T00:00:00Z');

/** Appends events as rows of the store's table, one second apart, in transactions of 20,000. */
function createLogWriter(
  eventsPath: string,
  protect: (type: string, data: Record<string, unknown>) => Promise<object>,
) {
  const db = new Database(eventsPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insert = db.prepare(
    'INSERT INTO events (stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?)',
  );
  const flush = db.transaction((rows: Row[]) => {
    for (const row of rows) insert.run(...row);
  });
  const revisions = new Map<string, number>();
  let rows: Row[] = [];
  const writer = {
    written: 0,
    append: (async (streamId, type, data) => {
      const revision = (revisions.get(streamId) ?? -1) + 1;
      if (streamId.startsWith('user-')) revisions.set(streamId, revision);
      const at = new Date(startedAt + writer.written * 1000).toISOString();
      const stored = await protect(type, data);
      const metadata = { correlationId: randomUUID(), clientId: 'partner', occurredAt: at };
      rows.push([streamId, revision, randomUUID(), type, JSON.stringify(stored), JSON.stringify(metadata), at]);
      writer.written += 1;
      if (rows.length >= 20_000) {
        flush(rows);
        rows = [];
      }
    }) as Append,
    close() {
      if (rows.length > 0) flush(rows);
      db.close();
    },
  };
  return writer;
}

/** A login: a code, its SMS, its verification (the first verifies the phone), a session. */
async function login(append: Append, userId: string, first: boolean, notifierKey: Buffer, written: number) {
  const sessionId = randomUUID();
  const expiresAt = new Date(startedAt + written * 1000 + 300_000).toISOString();
  const stream = streams.user(userId);
  await append(stream, 'OtpIssued', {
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
  const dispatch = { sourceEventId: randomUUID(), purpose: 'OTP', provider: 'plivo', providerMessageId: randomUUID() };
  await append(stream, 'SmsDispatched', { userId, ...dispatch });
  await append(stream, 'OtpVerified', { userId, sessionId, purpose: 'LOGIN' });
  if (first) await append(stream, 'PhoneNumberVerified', { userId });
  const session = { sessionId, familyId: randomUUID(), refreshTokenHash: randomUUID(), expiresAt };
  await append(stream, 'SessionStarted', { userId, ...session });
}

/** A new user: reservations, registration, main account; a third go through KYC and get a portfolio. */
async function newUser(append: Append, index: number, userId: string) {
  const stream = streams.user(userId);
  await append(streams.email(`e${index}`), 'EmailReserved', { userId });
  await append(streams.phone(`p${index}`), 'PhoneNumberReserved', { userId });
  await append(stream, 'UserRegistered', {
    userId,
    email: `user-${index}@example.com`,
    phoneNumber: `+3361${String(index).padStart(7, '0')}`,
    passwordHash: '$argon2id$v=19$m=65536,t=3,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG',
    roles: ['USER'],
    clientId: 'partner',
  });
  const accountId = randomUUID();
  await append(stream, 'AccountOpened', { userId, accountId, kind: 'MAIN' });
  return accountId;
}

async function verifiedWithPortfolio(append: Append, userId: string, accountId: string) {
  const stream = streams.user(userId);
  const identificationId = randomUUID();
  await append(stream, 'KycStarted', { userId, identificationId, attempt: 1, provider: 'dev' });
  await append(stream, 'KycApproved', { userId, identificationId });
  await append(stream, 'AccountActivated', { userId, accountId, reason: 'KYC_APPROVED' });
  await append(stream, 'PortfolioCreated', {
    userId,
    accountId,
    portfolioId: randomUUID(),
    name: 'Main',
    portfolioAccountType: 'TRADING',
    publicAddress: `0x${randomUUID().replaceAll('-', '')}`,
  });
}

/** Writes at least `target` events; returns the users made. */
async function generateLog(writer: ReturnType<typeof createLogWriter>, target: number): Promise<number> {
  const { append } = writer;
  const notifierKey = generateBoxKeyPair().publicKey;
  const users: string[] = [];
  while (writer.written < target) {
    const index = users.length;
    const userId = randomUUID();
    users.push(userId);
    const accountId = await newUser(append, index, userId);
    await login(append, userId, true, notifierKey, writer.written);
    if (index % 3 === 0) await verifiedWithPortfolio(append, userId, accountId);
    // Returning users log in again, some long after their key left the cache.
    await login(append, users[Math.floor(Math.random() * users.length)]!, false, notifierKey, writer.written);
  }
  return users.length;
}

/** Rebuilds views from the log at `eventsPath`, committing once per page as the replay CLI does on SQLite. */
async function rebuild(
  dir: string,
  eventsPath: string,
  keyStore: PersonalDataKeyStore,
  keyEncryptionKey: Buffer,
  log: (line: string) => void,
) {
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
    commitEachPage: (work) => views.batch(work),
    onProgress: (progress) => {
      if (progress.events % 100_000 < 2000)
        log(`replay: ${progress.events} events, ${progress.eventsPerSecond} events/s`);
    },
  });
  const rebuildSeconds = (performance.now() - rebuildStarted) / 1000;
  await views.close();
  await eventStore.close();
  return { events: result.events, rebuildSeconds };
}

export async function measureReplay(target: number, log: (line: string) => void): Promise<ReplayFigures> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-replay-'));
  try {
    const eventsPath = path.join(dir, 'events.sqlite');
    await createSqliteEventStore({ path: eventsPath }).close();
    const keyStore = createSqliteKeyStore({ path: path.join(dir, 'keys.sqlite') });
    const keyEncryptionKey = deriveKeyEncryptionKey(generateSecretKey());
    const personalData = createPersonalDataProtector({ keyStore, keyEncryptionKey });
    const generateStarted = performance.now();
    const writer = createLogWriter(eventsPath, (type, data) => personalData.protect(type, data));
    const users = await generateLog(writer, target);
    writer.close();
    const generateSeconds = (performance.now() - generateStarted) / 1000;
    log(`replay: ${writer.written} events for ${users} users generated in ${generateSeconds.toFixed(1)} s; rebuilding`);
    const { events, rebuildSeconds } = await rebuild(dir, eventsPath, keyStore, keyEncryptionKey, log);
    await keyStore.close();
    return { events, users, generateSeconds, rebuildSeconds, eventsPerSecond: Math.round(events / rebuildSeconds) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
