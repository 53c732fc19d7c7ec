/**
 * An auditor reads one user's history on the embedded default, with the audit
 * CLI as they would run it: without a credential no personal data shows; with
 * the operator's credential the email shows and the read is recorded in the
 * log; a past state comes back with --as-of; csv parses back; after erasure the
 * personal fields read "[erased]"; an unknown user and a forged credential are
 * told apart by their exit statuses.
 */
import t, { type Test } from 'tap';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createSqliteEventStore, generateAuditKey } from '@tessera/event-store';
import { clientToken, signUpAndLogIn } from '../support/flows.ts';
import { repositoryRoot } from '../support/processes.ts';
import { newUser, startTestServer, type TestServer } from '../support/testServer.ts';
import { issueAuditorCredential } from '../../packages/audit/src/history/auditorCredential.ts';

const execute = promisify(execFile);

interface Outcome {
  status: number;
  stdout: string;
  stderr: string;
}

/** `npm run --silent audit -- <args>`: what the root script runs, against the server's data directory. */
async function audit(server: TestServer, ...args: string[]): Promise<Outcome> {
  const env = { ...process.env, DATA_DIR: server.dataDir, EVENTSTORE_URL: '', MONGO_URL: '', KEYS_FILE: '' };
  try {
    const { stdout, stderr } = await execute(process.execPath, ['scripts/run.mjs', 'audit', ...args], {
      cwd: repositoryRoot,
      env: { ...env, AUDIT_KEY_FILE: '' },
    });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { status: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** RFC 4180 records: quoted fields may hold commas, quotes (doubled) and line breaks; CRLF ends a record. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (quoted && char === '"' && text[index + 1] === '"') {
      field += '"';
      index += 1;
    } else if (char === '"') {
      quoted = !quoted;
    } else if (!quoted && char === ',') {
      record.push(field);
      field = '';
    } else if (!quoted && char === '\r' && text[index + 1] === '\n') {
      records.push([...record, field]);
      record = [];
      field = '';
      index += 1;
    } else {
      field += char;
    }
  }
  return records;
}

/** A user signed up and logged in through the given client, then their password reset and changed. */
async function userWithPasswordChange(t: Test, server: TestServer, token: string) {
  const user = newUser();
  const session = await signUpAndLogIn(server, user, { token });
  const beforeChange = server.now().toISOString();
  server.advanceClock(60);
  const sent = server.countSentTo(user.phoneNumber);
  const forget = await server.call('GET', `/v1/user/forget-password?email=${encodeURIComponent(user.email)}`, {
    token,
  });
  const code = await server.nextCode(user.phoneNumber, sent);
  const password = `${user.password} renewed`;
  const sessionId: string = forget.body.data.sessionId;
  const body = { sessionId, username: user.email, challengeType: 'SMS_OTP', password, passwordConfirm: password };
  t.equal((await server.call('PUT', '/v1/user/change-password', { token, body })).status, 200, 'password staged');
  const committed = await server.call('POST', '/v1/user/otp', {
    token,
    body: { sessionId, username: user.email, challengeType: 'SMS_OTP', code },
  });
  t.match(committed.body, { data: { passwordChanged: true } }, 'password changed');
  return { user, userId: session.userId, beforeChange };
}

t.test('an auditor reads a user’s history, with and without the operator’s credential', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const keyFile = path.join(server.dataDir, 'audit-key.json');
  // Identity makes the audit key on its first start; a build without it yet gets one here.
  if (!existsSync(keyFile)) writeFileSync(keyFile, JSON.stringify(generateAuditKey()), { mode: 0o600 });
  const manager = await clientToken(server, 'acme-bank', ['users:write', 'users:read', 'accounts:manage']);
  const { user, userId, beforeChange } = await userWithPasswordChange(t, server, manager);
  const credentialFile = path.join(server.dataDir, 'auditor.json');

  const issued = await audit(
    server,
    'issue-credential',
    '--auditor',
    'Example Audit LLP',
    '--expires',
    '30',
    '--out',
    credentialFile,
  );
  t.equal(issued.status, 0, issued.stderr);
  t.match(issued.stdout, /for Example Audit LLP, personal-data:read until/);
  t.equal(statSync(credentialFile).mode & 0o777, 0o600, 'the credential file is the owner’s only');

  const plain = await audit(server, 'history', '--user', userId);
  t.equal(plain.status, 0, plain.stderr);
  t.match(plain.stdout, /UserRegistered/);
  t.match(plain.stdout, /password changed/);
  t.match(plain.stdout, /\[encrypted\]/, 'personal fields are marked');
  t.notOk(plain.stdout.includes(user.email) || plain.stdout.includes(user.phoneNumber), 'no email or phone shows');
  t.match(plain.stderr, /no auditor credential/, 'the auditor is told why');

  const disclosed = await audit(server, 'history', '--user', user.email.toUpperCase(), '--credential', credentialFile);
  t.equal(disclosed.status, 0, disclosed.stderr);
  t.ok(disclosed.stdout.includes(`signed up with email ${user.email}`), 'the email shows, found by the email');
  t.notOk(/\$argon2|pd1\./.test(disclosed.stdout), 'no password hash and no ciphertext');
  t.match(disclosed.stderr, /recorded in the event log/);

  const withinClient = await audit(server, 'history', '--user', user.email, '--client', 'acme-bank');
  t.equal(withinClient.status, 0, 'the email names the user within their client');
  const otherClient = await audit(server, 'history', '--user', user.email, '--client', 'test-client');
  t.equal(otherClient.status, 3, 'and nobody within another client (ADR 18)');

  const events = createSqliteEventStore({ path: path.join(server.dataDir, 'events.sqlite') });
  t.teardown(() => events.close());
  const reads = await events.readStream('audit-access');
  t.match(reads, [{ type: 'PersonalDataDisclosedToAuditor', data: { userId, auditor: 'Example Audit LLP' } }]);
  t.notOk(JSON.stringify(reads).includes(user.email), 'the record of the read holds no personal data');
  t.match(reads[0], { hash: /^[0-9a-f]{64}$/ }, 'and is chained like every event');

  const then = await audit(
    server,
    'history',
    '--user',
    userId,
    '--credential',
    credentialFile,
    '--as-of',
    beforeChange,
    '--format',
    'jsonl',
  );
  t.equal(then.status, 0, then.stderr);
  t.match(JSON.parse(then.stdout), { status: 'PENDING_KYC', email: user.email, sessions: 1, passwordChangedAt: '' });
  const now = await audit(
    server,
    'history',
    '--user',
    userId,
    '--as-of',
    new Date(Date.now() + 3600_000).toISOString(),
    '--format',
    'jsonl',
  );
  t.match(
    JSON.parse(now.stdout),
    { email: '[encrypted]', sessions: 0, passwordChangedAt: /^\d{4}-/ },
    'after the change, no session is alive',
  );
  t.match(
    await events.readStream('audit-access'),
    [{}, { data: { asOf: new Date(beforeChange).toISOString() } }],
    'each read with the credential is recorded',
  );

  const jsonl = (await audit(server, 'history', '--user', userId, '--format', 'jsonl')).stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  const csv = await audit(server, 'history', '--user', userId, '--format', 'csv');
  const [header, ...rows] = parseCsv(csv.stdout);
  t.same(header, ['position', 'occurredAt', 'type', 'clientId', 'correlationId', 'change']);
  t.same(
    rows.map(([position, , type, , , change]) => ({ position: Number(position), type, change })),
    jsonl.map(({ position, type, change }) => ({ position, type, change })),
    'the csv parses back to the same timeline, commas and all',
  );

  const erase = await server.call('POST', `/v1/admin/users/${userId}/erase-personal-data`, { token: manager });
  t.equal(erase.status, 200);
  const afterErasure = await audit(server, 'history', '--user', userId, '--credential', credentialFile);
  t.equal(afterErasure.status, 0, afterErasure.stderr);
  t.match(afterErasure.stdout, /personal data erased/);
  t.match(afterErasure.stdout, /signed up with email \[erased\], phone number \[erased\]/);
  t.notOk(afterErasure.stdout.includes(user.email), 'the email is gone for good');
  t.equal((await audit(server, 'history', '--user', user.email)).status, 3, 'the erased email names nobody any more');
  const verified = await audit(server, 'verify');
  t.equal(verified.status, 0, 'the log with the reads recorded in it still verifies');
  t.match(verified.stdout, /^verified /);
});

t.test('unknown users, and credentials that are not the operator’s', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const keyFile = path.join(server.dataDir, 'audit-key.json');
  if (!existsSync(keyFile)) writeFileSync(keyFile, JSON.stringify(generateAuditKey()), { mode: 0o600 });
  const user = newUser();
  const { userId } = await signUpAndLogIn(server, user);

  const nobody = await audit(server, 'history', '--user', 'nobody@example.com');
  t.equal(nobody.status, 3, 'an unknown email');
  t.match(nobody.stderr, /no user nobody@example.com/);
  t.equal(
    (await audit(server, 'history', '--user', '6f1c1f3e-0000-4000-8000-000000000000')).status,
    3,
    'an unknown id',
  );

  const acme = await clientToken(server, 'acme-bank', ['users:write', 'users:read']);
  const twin = await server.call('POST', '/v1/user/sign-up', { token: acme, body: user });
  t.equal(twin.status, 200, 'another client signs the same email up: a user of its own (ADR 18)');
  const ambiguous = await audit(server, 'history', '--user', user.email);
  t.equal(ambiguous.status, 2, 'one email naming two users is not guessed between');
  t.match(ambiguous.stderr, new RegExp(`belongs to 2 users.*${userId}.*--client`));
  t.equal((await audit(server, 'history', '--user', user.email, '--client', 'test-client')).status, 0);

  const credentialFile = path.join(server.dataDir, 'auditor.json');
  t.equal(
    (
      await audit(
        server,
        'issue-credential',
        '--auditor',
        'Example Audit LLP',
        '--expires',
        '7d',
        '--out',
        credentialFile,
      )
    ).status,
    0,
  );
  const forged = path.join(server.dataDir, 'forged.json');
  const edited = { ...JSON.parse(readFileSync(credentialFile, 'utf8')), auditor: 'Someone Else' };
  writeFileSync(forged, JSON.stringify(edited));
  const refused = await audit(server, 'history', '--user', userId, '--credential', forged);
  t.equal(refused.status, 2, 'an edited credential');
  t.match(refused.stderr, /not genuine/);
  t.equal(refused.stdout, '', 'and nothing is shown');
  const strange = path.join(server.dataDir, 'strange.json');
  const otherKey = generateAuditKey();
  const inFuture = new Date(Date.now() + 86_400_000).toISOString();
  writeFileSync(
    strange,
    JSON.stringify(
      issueAuditorCredential(otherKey, {
        credentialId: 'c1',
        auditor: 'A',
        issuedAt: new Date().toISOString(),
        expiresAt: inFuture,
      }),
    ),
  );
  t.equal(
    (await audit(server, 'history', '--user', userId, '--credential', strange)).status,
    2,
    'a credential of another key',
  );

  const key = JSON.parse(readFileSync(keyFile, 'utf8'));
  const expiredFile = path.join(server.dataDir, 'expired.json');
  const past = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
  writeFileSync(
    expiredFile,
    JSON.stringify(
      issueAuditorCredential(key, { credentialId: 'c2', auditor: 'A', issuedAt: past(10), expiresAt: past(1) }),
    ),
  );
  const expired = await audit(server, 'history', '--user', userId, '--credential', expiredFile);
  t.equal(expired.status, 0, 'an expired credential still shows the history');
  t.match(expired.stderr, /expired/);
  t.notOk(expired.stdout.includes(user.email), 'without personal data');
  t.equal((await audit(server, 'history', '--user', userId, '--format', 'xml')).status, 2, 'an unknown format');
});
