import t, { type Test } from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EventMessageValue } from '@tessera/contracts';
import { generateSecretKey } from '@tessera/crypto';
import { createLogger } from '@tessera/logging';
import { createPersonalDataProtector, createSqliteKeyStore, deriveKeyEncryptionKey } from '@tessera/personal-data';
import { createSqliteViewStore } from '@tessera/read-models';
import { openViews } from '@tessera/read-models/views';
import { eventMessage, otpIssued, storedEvent } from '@tessera/testing';
import { createBatchProjector, createProjector } from '../src/index.ts';

/** An event stored at the next position, on its user's stream unless another is named. */
const event = (type: string, data: Record<string, unknown>, streamId?: string) =>
  storedEvent({ type, data }, streamId ? { streamId } : {});

function setup(t: Test) {
  const dir = mkdtempSync(path.join(tmpdir(), 'projector-'));
  const store = createSqliteViewStore({ path: path.join(dir, 'views.sqlite') });
  const keyStore = createSqliteKeyStore({ path: path.join(dir, 'keys.sqlite') });
  t.teardown(async () => {
    await store.close();
    await keyStore.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const personalData = createPersonalDataProtector({
    keyStore,
    keyEncryptionKey: deriveKeyEncryptionKey(generateSecretKey()),
  });
  return {
    store,
    personalData,
    views: openViews(store),
    projector: createProjector({ store, logger: createLogger('test', { level: 'silent' }), personalData }),
  };
}

const registered = () =>
  event('UserRegistered', {
    userId: 'u1',
    email: 'ada@example.com',
    phoneNumber: '+33612345678',
    passwordHash: 'h',
    roles: ['USER'],
    clientId: 'c1',
  });

t.test(
  'given a registration encrypted with the user key, the view holds the email and phone a query needs; after erasure they are gone',
  async (t) => {
    const { projector, views, personalData } = setup(t);
    const stored = registered();
    const encrypted = { ...stored, data: await personalData.protect(stored.type, stored.data) };
    t.match(encrypted.data.email, /^pd1\./, 'the event arrives encrypted');
    await projector.handle(eventMessage(encrypted));
    t.match(await views.users.get('u1'), { email: 'ada@example.com', phoneNumber: '+33612345678' });
    await personalData.erase('u1', '2026-01-01T00:00:09.000Z');
    await projector.handle(
      eventMessage(event('PersonalDataErased', { userId: 'u1', erasedAt: '2026-01-01T00:00:09.000Z' })),
    );
    const user = await views.users.get('u1');
    t.match(user, { userId: 'u1', email: '', phoneNumber: '', erased: true, clientId: 'c1' });
    t.notOk(
      JSON.stringify(user).includes('ada@') || JSON.stringify(user).includes('612345678'),
      'no trace of the email or phone',
    );
    await projector.handle(eventMessage(encrypted));
    t.equal((await views.users.get('u1'))?.email, '', 'a redelivered registration cannot bring them back');
  },
);

t.test('given a registration, an account and a verified phone, then the user view shows them', async (t) => {
  const { projector, views } = setup(t);
  const history = [
    registered(),
    event('AccountOpened', { userId: 'u1', accountId: 'a1', kind: 'MAIN' }),
    storedEvent(otpIssued()),
    event('PhoneNumberVerified', { userId: 'u1' }),
  ];
  for (const value of history) await projector.handle(eventMessage(value));
  const user = await views.users.get('u1');
  t.match(user, {
    userId: 'u1',
    email: 'ada@example.com',
    phoneVerified: true,
    userAccountStatus: 'PENDING_KYC',
    kycStatus: 'NOT_STARTED',
    clientId: 'c1',
    accounts: [{ accountId: 'a1', kind: 'MAIN', status: 'PENDING_KYC' }],
  });
  t.equal(user?.version, history.at(-1)?.position, 'the version follows every event of the user');
  t.match(await views.accounts.get('a1'), { accountId: 'a1', userId: 'u1', kind: 'MAIN', status: 'PENDING_KYC' });
  t.notOk(JSON.stringify(user).includes('passwordHash'), 'no password hash in the read model');
});

t.test('an event delivered twice changes nothing the second time', async (t) => {
  const { projector, views } = setup(t);
  const first = registered();
  const opened = event('AccountOpened', { userId: 'u1', accountId: 'a2', kind: 'MAIN' });
  for (const value of [first, opened, opened, first]) await projector.handle(eventMessage(value));
  const user = await views.users.get('u1');
  t.equal(user?.accounts.length, 1, 'one account, not two');
  t.equal(user?.version, opened.position);
});

t.test('API clients are projected with their secret hash, and a rotation replaces it', async (t) => {
  const { projector, views } = setup(t);
  await projector.handle(
    eventMessage(
      event(
        'ApiClientRegistered',
        { clientId: 'c9', name: 'Partner', scopes: ['users:write'], secretHash: 'h1' },
        'client-c9',
      ),
    ),
  );
  await projector.handle(
    eventMessage(event('ApiClientSecretRotated', { clientId: 'c9', secretHash: 'h2' }, 'client-c9')),
  );
  t.match(await views.apiClients.get('c9'), {
    clientId: 'c9',
    name: 'Partner',
    scopes: ['users:write'],
    secretHash: 'h2',
  });
});

t.test('a client registered with resources keeps them in its view; one registered before has none', async (t) => {
  const { projector, views } = setup(t);
  const audiences = ['https://payments.partner.example'];
  await projector.handle(
    eventMessage(
      event(
        'ApiClientRegistered',
        { clientId: 'c8', name: 'Partner', scopes: ['users:write'], secretHash: 'h1', audiences },
        'client-c8',
      ),
    ),
  );
  await projector.handle(
    eventMessage(
      event(
        'ApiClientRegistered',
        { clientId: 'c9', name: 'Old', scopes: ['users:write'], secretHash: 'h2' },
        'client-c9',
      ),
    ),
  );
  t.same((await views.apiClients.get('c8'))?.audiences, audiences);
  t.match(await views.apiClients.get('c9'), { clientId: 'c9' });
  t.notOk('audiences' in ((await views.apiClients.get('c9')) ?? {}), 'none: the gateway names only itself');
});

t.test('the checkpoint records the highest position applied', async (t) => {
  const { projector, store } = setup(t);
  const value = registered();
  await projector.handle(eventMessage(value));
  t.equal(await store.getCheckpoint('projector'), value.position);
});

t.test('KYC, activation and portfolios reach the user, account, portfolio and identification views', async (t) => {
  const { projector, views } = setup(t);
  const history = [
    registered(),
    event('AccountOpened', { userId: 'u1', accountId: 'a1', kind: 'MAIN' }),
    event('KycStarted', { userId: 'u1', identificationId: 'k1', attempt: 1, provider: 'dev' }),
  ];
  for (const value of history) await projector.handle(eventMessage(value));
  t.match(await views.users.get('u1'), { kycStatus: 'PENDING', userAccountStatus: 'PENDING_KYC' });
  t.match(await views.kycIdentifications.get('k1'), { userId: 'u1', status: 'PENDING', attempt: 1 });
  const approval = [
    event('KycApproved', { userId: 'u1', identificationId: 'k1' }),
    event('AccountActivated', { userId: 'u1', accountId: 'a1', reason: 'KYC_APPROVED' }),
    event('PortfolioCreated', {
      userId: 'u1',
      accountId: 'a1',
      portfolioId: 'p1',
      name: 'Main',
      portfolioAccountType: 'TRADING',
      publicAddress: 'addr1',
    }),
    event('PortfolioCreated', {
      userId: 'u1',
      accountId: 'a1',
      portfolioId: 'p2',
      name: 'Savings',
      portfolioAccountType: 'STANDARD',
      publicAddress: 'addr2',
    }),
  ];
  for (const value of approval) await projector.handle(eventMessage(value));
  for (const value of approval) await projector.handle(eventMessage(value));
  t.match(await views.users.get('u1'), {
    kycStatus: 'APPROVED',
    userAccountStatus: 'ACTIVE',
    accounts: [{ accountId: 'a1', status: 'ACTIVE' }],
    portfolios: [
      { portfolioId: 'p1', portfolioAccountType: 'TRADING' },
      { portfolioId: 'p2', portfolioAccountType: 'STANDARD' },
    ],
  });
  t.match(await views.accounts.get('a1'), {
    status: 'ACTIVE',
    activationReason: 'KYC_APPROVED',
    portfolios: [{ portfolioId: 'p1' }, { portfolioId: 'p2' }],
  });
  t.equal((await views.accounts.get('a1'))?.portfolios.length, 2, 'a redelivered portfolio is not listed twice');
  t.match(await views.portfolios.get('p2'), { accountId: 'a1', userId: 'u1', name: 'Savings', publicAddress: 'addr2' });
  t.match(await views.kycIdentifications.get('k1'), { status: 'APPROVED' });
  await projector.handle(eventMessage(event('KycRejected', { userId: 'u1', identificationId: 'k2' })));
  t.equal((await views.users.get('u1'))?.kycStatus, 'APPROVED', 'a later rejection does not take an approval back');
});

/** One user's whole life, erasure included, as the relay would publish it. */
function lifeOfUser(): EventMessageValue[] {
  return [
    registered(),
    event('AccountOpened', { userId: 'u1', accountId: 'a1', kind: 'MAIN' }),
    storedEvent(otpIssued()),
    event('PhoneNumberVerified', { userId: 'u1' }),
    event('SessionStarted', { userId: 'u1', familyId: 'f1' }),
    event('SessionStarted', { userId: 'u1', familyId: 'f2' }),
    event('SessionsRevoked', { userId: 'u1', familyIds: ['f1'], reason: 'LOGOUT' }),
    event('RefreshTokenRotated', { userId: 'u1', familyId: 'f2', previousTokenHash: 'a', refreshTokenHash: 'b' }),
    event('KycStarted', { userId: 'u1', identificationId: 'k1', attempt: 1, provider: 'dev' }),
    event('KycApproved', { userId: 'u1', identificationId: 'k1' }),
    event('AccountActivated', { userId: 'u1', accountId: 'a1', reason: 'KYC_APPROVED' }),
    event('PortfolioCreated', {
      userId: 'u1',
      accountId: 'a1',
      portfolioId: 'p1',
      name: 'Main',
      portfolioAccountType: 'TRADING',
      publicAddress: 'addr1',
    }),
    event(
      'ApiClientRegistered',
      { clientId: 'c9', name: 'Partner', secretHash: 'sh', scopes: ['users:read'] },
      'client-c9',
    ),
    event('PersonalDataErased', { userId: 'u1', erasedAt: '2026-01-01T00:00:09.000Z' }),
    event('SessionStarted', { userId: 'u1', familyId: 'f3' }),
  ];
}

async function everyView(projected: ReturnType<typeof setup>) {
  const { views, store } = projected;
  return {
    user: await views.users.get('u1'),
    account: await views.accounts.get('a1'),
    portfolio: await views.portfolios.get('p1'),
    identification: await views.kycIdentifications.get('k1'),
    client: await views.apiClients.get('c9'),
    sessions: await Promise.all(['f1', 'f2', 'f3'].map((id) => views.sessions.get(id))),
    checkpoint: await store.getCheckpoint('projector'),
  };
}

t.test(
  'events handled as one batch leave the views as handling them one by one does, and each is told of in order',
  async (t) => {
    const history = lifeOfUser();
    const oneByOne = setup(t);
    for (const value of history) await oneByOne.projector.handle(eventMessage(value));
    const batched = setup(t);
    const told: number[] = [];
    const projector = createBatchProjector({
      store: batched.store,
      logger: createLogger('test', { level: 'silent' }),
      personalData: batched.personalData,
      onProjected: (value) => void told.push(value.position),
    });
    await projector.handleBatch(history.map(eventMessage));
    const expected = await everyView(oneByOne);
    t.same(await everyView(batched), expected, 'the same documents and checkpoint');
    t.match(expected, {
      user: { erased: true, email: '' },
      sessions: [{ revoked: true }, { revoked: false }, { revoked: false }],
      checkpoint: history.at(-1)?.position,
    });
    t.same(
      told,
      history.map((value) => value.position),
      'every event told of, in order',
    );
  },
);

t.test('a batch with a failed write is refused, and given again it is applied in full', async (t) => {
  const history = lifeOfUser();
  const reference = setup(t);
  for (const value of history) await reference.projector.handle(eventMessage(value));
  const { store, personalData } = setup(t);
  // The real store, except that one write to the sessions view fails once, as a full disk would fail it.
  let failures = 1;
  const failingOnce: typeof store = Object.assign(Object.create(store) as typeof store, {
    collection: (name: string, options?: { indexes?: string[] }) => {
      const collection = store.collection(name, options);
      if (name !== 'sessions') return collection;
      return Object.assign(Object.create(collection) as typeof collection, {
        upsert: (id: string, document: object, at: number) =>
          failures-- > 0 ? Promise.reject(new Error('disk full')) : collection.upsert(id, document, at),
      });
    },
  });
  const projector = createBatchProjector({
    store: failingOnce,
    logger: createLogger('test', { level: 'silent' }),
    personalData,
  });
  await t.rejects(projector.handleBatch(history.map(eventMessage)), /disk full/, 'the batch is refused');
  await projector.handleBatch(history.map(eventMessage));
  t.same(
    await everyView({ ...reference, store, views: openViews(store) }),
    await everyView(reference),
    'the second delivery makes the views whole',
  );
});

t.test(
  "given a login from a device, its refreshes and its end, the sessions view holds what the user's list shows, then only the end",
  async (t) => {
    const { projector, views, personalData } = setup(t);
    const started = event('SessionStarted', {
      userId: 'u1',
      sessionId: 's1',
      familyId: 'f1',
      refreshTokenHash: 'r1',
      expiresAt: '2026-02-01T00:00:00.000Z',
      clientId: 'c1',
      deviceName: "Ada's iPhone",
      devicePlatform: 'IOS',
      deviceId: 'install-1',
    });
    const encrypted = { ...started, data: await personalData.protect(started.type, started.data) };
    t.match(encrypted.data.deviceName, /^pd1\./, 'the device name arrives encrypted');
    t.match(encrypted.data.deviceId, /^pd1\./, 'and so does its id');
    await projector.handle(eventMessage(registered()));
    await projector.handle(eventMessage(encrypted));
    t.same(await views.sessions.get('f1'), {
      familyId: 'f1',
      userId: 'u1',
      revoked: false,
      clientId: 'c1',
      device: { id: 'install-1', name: "Ada's iPhone", platform: 'IOS' },
      createdAt: started.recordedAt,
      lastUsedAt: started.recordedAt,
      expiresAt: '2026-02-01T00:00:00.000Z',
    });
    t.same(await views.sessions.findBy('userId', 'u1'), [await views.sessions.get('f1')], 'found by its user');

    const rotated = event('RefreshTokenRotated', {
      userId: 'u1',
      familyId: 'f1',
      previousTokenHash: 'r1',
      refreshTokenHash: 'r2',
    });
    await projector.handle(eventMessage({ ...rotated, recordedAt: '2026-01-20T08:00:00.000Z' }));
    t.match(await views.sessions.get('f1'), { lastUsedAt: '2026-01-20T08:00:00.000Z', createdAt: started.recordedAt });

    await projector.handle(
      eventMessage(event('SessionsRevoked', { userId: 'u1', familyIds: ['f1'], reason: 'USER_REVOKED' })),
    );
    t.same(
      await views.sessions.get('f1'),
      { familyId: 'f1', userId: 'u1', revoked: true, revokedReason: 'USER_REVOKED' },
      'an ended login keeps no device',
    );
    const late = event('RefreshTokenRotated', {
      userId: 'u1',
      familyId: 'f1',
      previousTokenHash: 'r2',
      refreshTokenHash: 'r3',
    });
    await projector.handle(eventMessage(late));
    t.match(await views.sessions.get('f1'), { revoked: true }, 'a later rotation does not bring it back');
  },
);

t.test('recovery codes generated and one used: the user view counts those left and holds no hash', async (t) => {
  const { projector, views } = setup(t);
  const codeHashes = Array.from({ length: 10 }, (_, index) => `keyed-hash-${index}`);
  const generatedAt = '2026-01-01T10:00:00.000Z';
  const history = [
    registered(),
    event('RecoveryCodesGenerated', { userId: 'u1', codeHashes, generatedAt, authorisedBy: 'PASSWORD' }),
    event('RecoveryCodeUsed', { userId: 'u1', sessionId: 's1', codeHash: 'keyed-hash-4', codesLeft: 9 }),
  ];
  for (const value of history) await projector.handle(eventMessage(value));
  const user = await views.users.get('u1');
  t.equal(user?.recoveryCodesLeft, 9);
  t.notOk(JSON.stringify(user).includes('keyed-hash'), 'no hash of a code in the read model');
  const replaced = event('RecoveryCodesGenerated', { userId: 'u1', codeHashes, generatedAt, authorisedBy: 'STEP_UP' });
  await projector.handle(eventMessage(replaced));
  t.equal((await views.users.get('u1'))?.recoveryCodesLeft, 10, 'a new set counts whole');
});
