/**
 * An email without a user costs what a real user costs: the same event-store
 * reads and the same password-hash work, so neither timing nor load tells an
 * attacker which emails have accounts. Only a real user's stream is written to.
 */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import type { IdentityCommand } from '@tessera/contracts';
import { createPasswordHasher, generateBoxKeyPair, createSendingChannel } from '@tessera/crypto';
import { createSqliteEventStore, type EventStore } from '@tessera/event-store';
import { createPersonalDataProtector, createSqliteKeyStore, deriveKeyEncryptionKey } from '@tessera/personal-data';
import { createDevKycProvider, createDevWalletIssuer } from '@tessera/providers';
import { createIdentityService, defaultIdentityConfig } from '../src/index.ts';

interface Work { reads: number; appends: number; hashChecks: number }

async function identityCountingItsWork() {
  const sqlite = createSqliteEventStore({ path: ':memory:' });
  const work: Work = { reads: 0, appends: 0, hashChecks: 0 };
  const eventStore: EventStore = {
    ...sqlite,
    async readStream(streamId, options) { work.reads += 1; return sqlite.readStream(streamId, options); },
    async append(streamId, events, options) { work.appends += 1; return sqlite.append(streamId, events, options); },
  };
  const hasher = await createPasswordHasher({ memoryBytes: 8 * 1024 * 1024, iterations: 1 });
  const commandKeyPair = generateBoxKeyPair();
  const hashingKey = randomBytes(32);
  const service = createIdentityService({
    eventStore,
    personalData: createPersonalDataProtector({ keyStore: createSqliteKeyStore({ path: ':memory:' }), keyEncryptionKey: deriveKeyEncryptionKey(hashingKey) }),
    kycProvider: createDevKycProvider({ publicBaseUrl: 'http://127.0.0.1' }), wallet: createDevWalletIssuer(),
    passwordHasher: {
      hash: hasher.hash,
      async verify(encoded, password) { work.hashChecks += 1; return hasher.verify(encoded, password); },
      async verifyDummy(password) { work.hashChecks += 1; return hasher.verifyDummy(password); },
    },
    breachedPasswords: { size: 0, has: () => false },
    keys: { hashingKey, commandKeyPair, notifierPublicKey: generateBoxKeyPair().publicKey },
    config: defaultIdentityConfig,
    clock: () => new Date(),
  });
  const metadata = { correlationId: 'c-1', clientId: 'client-1' };
  const channel = createSendingChannel(commandKeyPair.publicKey);
  const seal = (secrets: Record<string, string>) => channel.seal(secrets);
  const registered = await service.handle({
    type: 'RegisterUser', metadata, payload: { email: 'ada@example.com', phoneNumber: '+33612345678', roles: [], sealedSecrets: seal({ password: 'a long passphrase of hers' }) },
  });
  if (!registered.ok) throw new Error(`sign-up failed: ${registered.error}`);

  /** What one command answered and the work it took. */
  async function measured(command: Omit<IdentityCommand, 'metadata'>) {
    const before = { ...work };
    const result = await service.handle({ ...command, metadata } as IdentityCommand);
    return { result, reads: work.reads - before.reads, appends: work.appends - before.appends, hashChecks: work.hashChecks - before.hashChecks };
  }
  return { measured, seal, close: () => sqlite.close() };
}

t.test('an unknown user and a wrong password: the same answer, the same reads, one password hash each', async (t) => {
  const identity = await identityCountingItsWork();
  t.teardown(identity.close);
  const login = (email: string) => identity.measured({ type: 'StartLogin', payload: { email, sealedSecrets: identity.seal({ password: 'not the password at all' }) } });
  for (let round = 0; round < 3; round += 1) {
    const wrongPassword = await login('ada@example.com');
    const unknown = await login(`nobody.${round}@example.com`);
    t.same(unknown.result, wrongPassword.result, 'the same refusal');
    t.equal(unknown.reads, wrongPassword.reads, 'the same event-store reads');
    t.equal(unknown.hashChecks, 1, 'an unknown user costs one password hash');
    t.equal(wrongPassword.hashChecks, 1);
    t.equal(unknown.appends, 0, 'nothing is written for an unknown email');
    t.equal(wrongPassword.appends, 1, 'the failure is recorded on the real user');
  }
});

t.test('a password reset for an unknown and a known email: the same answer shape, the same reads', async (t) => {
  const identity = await identityCountingItsWork();
  t.teardown(identity.close);
  const reset = (email: string) => identity.measured({ type: 'StartPasswordReset', payload: { email } });
  for (let round = 0; round < 3; round += 1) {
    const known = await reset('ada@example.com');
    const unknown = await reset(`nobody.${round}@example.com`);
    t.ok(known.result.ok && unknown.result.ok, 'both start a reset');
    if (!known.result.ok || !unknown.result.ok) return;
    t.same(Object.keys(unknown.result.data as object).sort(), Object.keys(known.result.data as object).sort());
    t.equal(unknown.reads, known.reads, 'the same event-store reads');
    t.equal(unknown.appends, 0, 'nothing is written for an unknown email');
  }
});
