import t from 'tap';
import type { Test } from 'tap';
import path from 'node:path';
import { generateSecretKey } from '@tessera/crypto';
import { createSqliteEventStore } from '@tessera/event-store';
import {
  createPersonalDataProtector,
  createSqliteKeyStore,
  deriveKeyEncryptionKey,
  isEncryptedField,
  PersonalDataErasedError,
  withPersonalDataProtection,
  type PersonalDataKeyStore,
} from '../src/index.ts';

const registered = (userId: string) => ({
  userId,
  email: `${userId}@example.com`,
  phoneNumber: '+33612345678',
  passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
  roles: ['USER'],
  clientId: 'c1',
});

function setup(t: Test, options: { now?: () => number } = {}) {
  const dir = t.testdir();
  const keyStore = createSqliteKeyStore({ path: path.join(dir, 'keys.sqlite') });
  t.teardown(() => keyStore.close());
  const keyEncryptionKey = deriveKeyEncryptionKey(generateSecretKey());
  const make = (store: PersonalDataKeyStore = keyStore) =>
    createPersonalDataProtector({ keyStore: store, keyEncryptionKey, ...(options.now ? { now: options.now } : {}) });
  return { dir, keyStore, make, protector: make() };
}

t.test('personal fields are encrypted, the rest left readable, and they open again', async (t) => {
  const { protector } = setup(t);
  const data = registered('u1');
  const sealed = await protector.protect('UserRegistered', data);
  for (const field of ['email', 'phoneNumber', 'passwordHash'])
    t.ok(isEncryptedField(sealed[field]), `${field} is encrypted`);
  t.same(sealed.roles, ['USER'], 'roles stay readable');
  t.notOk(
    JSON.stringify(sealed).includes('u1@example.com') ||
      JSON.stringify(sealed).includes('612345678') ||
      JSON.stringify(sealed).includes('argon2id'),
  );
  t.same(await protector.reveal('UserRegistered', sealed), { data, erased: false });
  t.same(
    await protector.protect('OtpVerified', { userId: 'u1', sessionId: 's' }),
    { userId: 'u1', sessionId: 's' },
    'events without personal data pass as they are',
  );
});

t.test('a field moved to another user or another field does not open', async (t) => {
  const { protector } = setup(t);
  const one = await protector.protect('UserRegistered', registered('u1'));
  const two = await protector.protect('UserRegistered', registered('u2'));
  await t.rejects(protector.reveal('UserRegistered', { ...two, email: one.email }), /does not open/);
  await t.rejects(protector.reveal('UserRegistered', { ...one, phoneNumber: one.email }), /does not open/);
});

t.test('after erasure the fields open nowhere and no new data can be written for the user', async (t) => {
  const { protector, make, keyStore } = setup(t);
  const sealed = await protector.protect('UserRegistered', registered('u1'));
  const otherProcess = make();
  t.equal((await otherProcess.reveal('UserRegistered', sealed)).data.email, 'u1@example.com');
  await protector.erase('u1', '2026-01-01T00:00:00.000Z');
  t.same(await protector.reveal('UserRegistered', sealed), {
    data: { ...registered('u1'), email: '', phoneNumber: '', passwordHash: '' },
    erased: true,
  });
  otherProcess.forget('u1');
  t.equal(
    (await otherProcess.reveal('UserRegistered', sealed)).erased,
    true,
    'another process sees it once it forgets its cached key',
  );
  await t.rejects(
    protector.protect('PasswordChangeStaged', { userId: 'u1', sessionId: 's', passwordHash: 'x' }),
    PersonalDataErasedError,
  );
  t.equal((await keyStore.get('u1'))?.status, 'erased');
});

t.test('a cached key is asked for again after its time to live', async (t) => {
  let now = 0;
  const { protector, make } = setup(t, { now: () => now });
  const sealed = await protector.protect('UserRegistered', registered('u1'));
  const otherProcess = make();
  await otherProcess.reveal('UserRegistered', sealed);
  await protector.erase('u1', '2026-01-01T00:00:00.000Z');
  now += 31_000;
  t.equal((await otherProcess.reveal('UserRegistered', sealed)).erased, true);
});

t.test('a key wrapped under another keyring does not open', async (t) => {
  const { protector, keyStore } = setup(t);
  const sealed = await protector.protect('UserRegistered', registered('u1'));
  const stranger = createPersonalDataProtector({
    keyStore,
    keyEncryptionKey: deriveKeyEncryptionKey(generateSecretKey()),
  });
  await t.rejects(stranger.reveal('UserRegistered', sealed), /does not open with this keyring/);
});

t.test(
  'through the protected event store, the stored events hold ciphertext and the service reads plaintext',
  async (t) => {
    const { protector, dir } = setup(t);
    const raw = createSqliteEventStore({ path: path.join(dir, 'events.sqlite') });
    t.teardown(() => raw.close());
    const store = withPersonalDataProtection(raw, protector);
    await store.append('user-u1', [
      {
        eventId: '6b1c8f2e-0000-4000-8000-000000000001',
        type: 'UserRegistered',
        schemaVersion: 1,
        data: registered('u1'),
        metadata: {},
      },
    ]);
    const [stored] = await raw.readStream('user-u1');
    t.ok(isEncryptedField(stored?.data.email), 'the store holds ciphertext');
    t.equal((await store.readStream('user-u1'))[0]?.data.email, 'u1@example.com');
    t.equal((await store.readAll())[0]?.data.phoneNumber, '+33612345678');
    const seen: string[] = [];
    const subscription = store.subscribeToAll(async (event) => {
      seen.push(String(event.data.email));
    });
    await subscription.caughtUp;
    await subscription.stop();
    t.same(seen, ['u1@example.com']);
  },
);
