/** Sign-up through identity's command handler: what a refused sign-up leaves behind. */
import t, { type Test } from 'tap';
import type { IdentityCommand } from '@tessera/contracts';
import { createSendingChannel, generateBoxKeyPair, generateSecretKey } from '@tessera/crypto';
import { createSqliteEventStore } from '@tessera/event-store';
import { createPersonalDataProtector, createSqliteKeyStore, deriveKeyEncryptionKey } from '@tessera/personal-data';
import { createDevKycProvider, createDevWalletIssuer } from '@tessera/providers';
import { createIdentityService, defaultIdentityConfig } from '../src/index.ts';

function identity(t: Test) {
  const eventStore = createSqliteEventStore({ path: ':memory:' });
  t.teardown(() => eventStore.close());
  const commandKeyPair = generateBoxKeyPair();
  const hashingKey = generateSecretKey();
  const service = createIdentityService({
    eventStore,
    passwordHasher: {
      hash: async (plain) => `hashed:${plain}`,
      verify: async (encoded, plain) => encoded === `hashed:${plain}`,
      verifyDummy: async () => undefined,
    },
    config: defaultIdentityConfig,
    clock: () => new Date(),
    personalData: createPersonalDataProtector({
      keyStore: createSqliteKeyStore({ path: ':memory:' }),
      keyEncryptionKey: deriveKeyEncryptionKey(hashingKey),
    }),
    kycProvider: createDevKycProvider({ publicBaseUrl: 'http://127.0.0.1' }),
    wallet: createDevWalletIssuer(),
    breachedPasswords: { size: 0, has: () => false },
    keys: { hashingKey, commandKeyPair, notifierPublicKey: generateBoxKeyPair().publicKey },
  });
  const channel = createSendingChannel(commandKeyPair.publicKey);
  return (email: string, phoneNumber: string, roles: string[] = []) =>
    service.handle({
      type: 'RegisterUser',
      metadata: { correlationId: 'c-1', clientId: 'client-1' },
      payload: { email, phoneNumber, roles, sealedSecrets: channel.seal({ password: 'a long passphrase' }) },
    } satisfies IdentityCommand);
}

t.test(
  'a sign-up asking for a role off the allow-list is refused and claims neither its email nor its phone',
  async (t) => {
    const signUp = identity(t);
    t.same(await signUp('ada@example.com', '+33612345678', ['ADMIN']), { ok: false, error: 'ROLE_NOT_ALLOWED' });
    const again = await signUp('ada@example.com', '+33612345678');
    t.ok(again.ok, 'the same email and phone sign up afterwards');
  },
);

t.test('a sign-up whose phone is taken is refused and frees its email again', async (t) => {
  const signUp = identity(t);
  t.ok((await signUp('ada@example.com', '+33612345678')).ok);
  t.same(await signUp('grace@example.com', '+33612345678'), { ok: false, error: 'REGISTRATION_CONFLICT' });
  t.ok((await signUp('grace@example.com', '+33687654321')).ok, 'the email is free for another sign-up');
});
