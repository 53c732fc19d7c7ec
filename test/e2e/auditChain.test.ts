/**
 * The embedded default keeps a tamper-evident log (ADR 32): after users'
 * flows, an erasure and a clean stop, the whole SQLite log verifies with the
 * audit public key, signed up to its last event; a log stored before the chain is chained
 * on first start and signed by a genesis checkpoint.
 */
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { loadConfig, startEmbedded } from '@tessera/embedded';
import {
  CHECKPOINT_STREAM,
  createLogVerifier,
  createSqliteEventStore,
  publicPartOf,
  type SignedCheckpoint,
  type VerifyReport,
} from '@tessera/event-store';
import { loadAuditKey } from '@tessera/runtime';
import { clientToken, signUpAndLogIn } from '../support/flows.ts';
import { newUser, startTestServer } from '../support/testServer.ts';

/** The whole log of `dataDir` through the verifier, with the public part of its audit key and SQLite's sequence. */
async function verifyDataDir(dataDir: string): Promise<{ report: VerifyReport; checkpoints: SignedCheckpoint[] }> {
  const file = path.join(dataDir, 'events.sqlite');
  const sequence = new Database(file, { readonly: true });
  const highest = sequence.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'").pluck().get() as number;
  sequence.close();
  const store = createSqliteEventStore({ path: file });
  try {
    const publicKey = publicPartOf(loadAuditKey(path.join(dataDir, 'audit-key.json')));
    const verifier = createLogVerifier({ trustedKeys: [publicKey], highestAssignedPosition: highest });
    for (const event of await store.readAll()) verifier.add(event);
    const checkpoints = (await store.readStream(CHECKPOINT_STREAM)).map((e) => e.data as unknown as SignedCheckpoint);
    return { report: verifier.finish(), checkpoints };
  } finally {
    await store.close();
  }
}

t.test(
  'after users sign up, log in, refresh and one is erased, the whole log verifies with the audit key',
  async (t) => {
    const server = await startTestServer({ AUDIT_CHECKPOINT_EVENTS: '10' });
    t.teardown(() => server.close());
    const user = newUser();
    const signUp = await server.call('POST', '/v1/user/sign-up', {
      body: { email: user.email, phoneNumber: user.phoneNumber, password: user.password },
    });
    t.equal(signUp.status, 200);
    for (let round = 0; round < 3; round += 1) {
      const sentBefore = server.countSentTo(user.phoneNumber);
      const login = await server.call('POST', '/v1/user/login', {
        body: { username: user.email, password: user.password },
      });
      const code = await server.nextCode(user.phoneNumber, sentBefore);
      const otp = await server.call('POST', '/v1/user/otp', {
        body: { sessionId: login.body.data.sessionId, username: user.email, challengeType: 'SMS_OTP', code },
      });
      t.equal(otp.status, 200, `login ${round + 1} completes`);
      const refreshed = await server.call('POST', '/v1/user/refresh', {
        body: { username: user.email, refreshToken: otp.body.data.refreshToken },
      });
      t.equal(refreshed.status, 200, `and its refresh token rotates`);
    }
    const manager = await clientToken(server, 'audit-bank', ['users:write', 'users:read', 'accounts:manage']);
    const erasedUser = await signUpAndLogIn(server, newUser(), { token: manager });
    const erased = await server.call('POST', `/v1/admin/users/${erasedUser.userId}/erase-personal-data`, {
      token: manager,
    });
    t.equal(erased.status, 200, 'another user is erased: their key destroyed, the log left as it is');
    await server.running.close();

    const { report, checkpoints } = await verifyDataDir(server.dataDir);
    t.equal(report.break, undefined, 'no break anywhere in the log, erasure included');
    t.ok(report.events > 20, `every event was checked (${report.events})`);
    t.ok(checkpoints.length >= 2, 'checkpoints were signed along the way, and on stop');
    t.ok(
      checkpoints.every((checkpoint) => checkpoint.genesis === undefined),
      'a log chained from its start needs no genesis',
    );
    t.equal(report.unsignedTail, 1, 'the clean stop signed everything but that last checkpoint itself');
  },
);

t.test('a log stored before the chain is chained on first start, under a genesis checkpoint', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-upgrade-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const old = new Database(path.join(dataDir, 'events.sqlite'));
  old.exec(`CREATE TABLE events (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_id TEXT NOT NULL, revision INTEGER NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL,
    schema_version INTEGER NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, recorded_at TEXT NOT NULL,
    UNIQUE (stream_id, revision), UNIQUE (event_id))`);
  const insert = old.prepare(
    `INSERT INTO events (stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at)
     VALUES ('legacy-notes', ?, ?, 'LegacyNoted', 1, '{"note":"before the chain"}',
             '{"correlationId":"c-0","occurredAt":"2026-01-01T00:00:00.000Z"}', '2026-01-01T00:00:00.000Z')`,
  );
  for (let revision = 0; revision < 5; revision += 1) insert.run(revision, randomUUID());
  old.close();

  const cheap = { ARGON2_MEMORY_KIB: '8192', ARGON2_ITERATIONS: '1', LOG_LEVEL: 'warn' };
  const running = await startEmbedded(loadConfig({ ...cheap, PORT: '0', DATA_DIR: dataDir }), { printSms: null });
  await running.close();

  const { report, checkpoints } = await verifyDataDir(dataDir);
  t.equal(report.break, undefined, 'the upgraded log verifies');
  t.match(checkpoints[0], { genesis: true, position: 5, events: 5 }, 'its first checkpoint is a genesis one over it');
  t.ok(
    checkpoints.slice(1).every((checkpoint) => checkpoint.genesis === undefined),
    'and only the first',
  );
});
