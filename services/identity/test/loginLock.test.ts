/**
 * The login lock through identity's command handler: what the hasher is asked
 * to do during a lock, and an unknown email answered exactly like an account.
 */
import t, { type Test } from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CommandResult, IdentityCommand } from '@tessera/contracts';
import { generateBoxKeyPair, generateSecretKey, createSendingChannel, type PasswordHasher } from '@tessera/crypto';
import { createPersonalDataProtector, createSqliteKeyStore, deriveKeyEncryptionKey } from '@tessera/personal-data';
import { createDevKycProvider, createDevWalletIssuer } from '@tessera/providers';
import { createSqliteEventStore } from '@tessera/event-store';
import { createIdentityService, defaultIdentityConfig } from '../src/index.ts';

const password = 'the right passphrase';

/** Compares in plain text and writes down which hash each check used. */
function recordingHasher(): PasswordHasher & { checks: string[] } {
  const checks: string[] = [];
  return {
    checks,
    hash: async (plain) => `hashed:${plain}`,
    async verify(encoded, plain) {
      checks.push('real');
      return encoded === `hashed:${plain}`;
    },
    async verifyDummy() {
      checks.push('dummy');
    },
  };
}

async function identityWithClock(t: Test) {
  const dir = mkdtempSync(path.join(tmpdir(), 'login-lock-'));
  const eventStore = createSqliteEventStore({ path: path.join(dir, 'events.sqlite') });
  t.teardown(async () => {
    await eventStore.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const commandKeyPair = generateBoxKeyPair();
  const hasher = recordingHasher();
  let now = Date.parse('2026-01-01T10:00:00.000Z');
  const hashingKey = generateSecretKey();
  const service = createIdentityService({
    eventStore,
    passwordHasher: hasher,
    config: defaultIdentityConfig,
    clock: () => new Date(now),
    personalData: createPersonalDataProtector({
      keyStore: createSqliteKeyStore({ path: ':memory:' }),
      keyEncryptionKey: deriveKeyEncryptionKey(hashingKey),
    }),
    kycProvider: createDevKycProvider({ publicBaseUrl: 'http://127.0.0.1' }),
    wallet: createDevWalletIssuer(),
    breachedPasswords: { size: 0, has: () => false },
    keys: { hashingKey, commandKeyPair, notifierPublicKey: generateBoxKeyPair().publicKey },
  });
  const metadata = { correlationId: 'c-1', clientId: 'client-1' };
  const send = (command: Omit<IdentityCommand, 'metadata'>) =>
    service.handle({ ...command, metadata } as IdentityCommand);
  const login = (email: string, secret: string): Promise<CommandResult> =>
    send({
      type: 'StartLogin',
      payload: { email, sealedSecrets: createSendingChannel(commandKeyPair.publicKey).seal({ password: secret }) },
    });
  const registered = await send({
    type: 'RegisterUser',
    payload: {
      email: 'ada@example.com',
      phoneNumber: '+33612345678',
      roles: [],
      sealedSecrets: createSendingChannel(commandKeyPair.publicKey).seal({ password }),
    },
  });
  if (!registered.ok) throw new Error(`sign-up failed: ${registered.error}`);
  return {
    hasher,
    login,
    advance: (seconds: number) => {
      now += seconds * 1000;
    },
  };
}

/** What a caller sees of an answer: the error and the wait, nothing else. */
const seen = (result: CommandResult) =>
  result.ok ? 'ok' : `${result.error}${result.retryAfterSeconds === undefined ? '' : ` ${result.retryAfterSeconds}s`}`;

t.test('while login is locked the real hash is never checked, yet every attempt costs one hash', async (t) => {
  const identity = await identityWithClock(t);
  for (let attempt = 0; attempt < 5; attempt += 1) await identity.login('ada@example.com', 'a wrong guess');
  identity.hasher.checks.length = 0;
  t.equal(
    seen(await identity.login('ada@example.com', password)),
    'LOGIN_TEMPORARILY_LOCKED 60s',
    'the right password is refused',
  );
  t.equal(seen(await identity.login('ada@example.com', 'another guess')), 'LOGIN_TEMPORARILY_LOCKED 60s');
  t.same(identity.hasher.checks, ['dummy', 'dummy'], 'one dummy hash per attempt, never the real one');
  identity.advance(60);
  t.equal(seen(await identity.login('ada@example.com', password)), 'ok', 'after the delay the right password works');
  t.same(identity.hasher.checks.slice(2), ['real']);
});

t.test('an unknown email gets the same answers, waits and hashes as an account', async (t) => {
  const identity = await identityWithClock(t);
  const script = async (email: string) => {
    const answers: string[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1) answers.push(seen(await identity.login(email, 'a wrong guess')));
    identity.advance(30);
    answers.push(seen(await identity.login(email, 'a wrong guess')));
    identity.advance(30);
    answers.push(
      seen(await identity.login(email, 'a wrong guess')),
      seen(await identity.login(email, 'a wrong guess')),
    );
    return answers;
  };
  const known = await script('ada@example.com');
  const knownHashes = identity.hasher.checks.splice(0);
  const unknown = await script('nobody@example.com');
  t.same(
    known,
    [
      'INVALID_CREDENTIALS',
      'INVALID_CREDENTIALS',
      'INVALID_CREDENTIALS',
      'INVALID_CREDENTIALS',
      'INVALID_CREDENTIALS',
      'LOGIN_TEMPORARILY_LOCKED 60s',
      'LOGIN_TEMPORARILY_LOCKED 30s',
      'INVALID_CREDENTIALS',
      'LOGIN_TEMPORARILY_LOCKED 120s',
    ],
    'five failures, a minute, then two',
  );
  t.same(unknown, known, 'word for word the same for an email nobody signed up with');
  t.equal(identity.hasher.checks.length, knownHashes.length, 'as many hashes');
});

t.test('the lock follows the email however it is written', async (t) => {
  const identity = await identityWithClock(t);
  for (const email of [
    'Nobody@Example.com',
    ' nobody@example.com',
    'NOBODY@EXAMPLE.COM',
    'nobody@example.com',
    'nobody@Example.com',
  ]) {
    await identity.login(email, 'a wrong guess');
  }
  t.equal(seen(await identity.login('nobody@example.com', 'a wrong guess')), 'LOGIN_TEMPORARILY_LOCKED 60s');
});
