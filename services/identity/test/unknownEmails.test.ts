/**
 * An email with no user of the calling client (unknown, or another client's
 * user) is answered exactly as a real user would be, step after step, and
 * costs what a real user costs: the same event-store reads and the same
 * password-hash work. Only a real user's stream is ever written to.
 */
import t, { type Test } from 'tap';
import { randomBytes } from 'node:crypto';
import { streams, type CommandResult, type IdentityCommand } from '@tessera/contracts';
import {
  createPasswordHasher,
  generateBoxKeyPair,
  createSendingChannel,
  keyedHash,
  timeOrderedUuid,
} from '@tessera/crypto';
import { createSqliteEventStore, type EventStore } from '@tessera/event-store';
import {
  createPersonalDataProtector,
  createSqliteKeyStore,
  deriveKeyEncryptionKey,
  withPersonalDataProtection,
} from '@tessera/personal-data';
import { createDevKycProvider, createDevWalletIssuer } from '@tessera/providers';
import { createIdentityService, defaultIdentityConfig, type IdentityConfig } from '../src/index.ts';

interface Work {
  reads: number;
  appends: number;
  hashChecks: number;
}

const ADA = { email: 'ada@example.com', phoneNumber: '+33612345678', password: 'a long passphrase of hers' };

/** The operator set the country decoys imitate, as docs/security.md recommends: here that of every user. */
const FRENCH_USER_BASE: Partial<IdentityConfig> = { decoyPhoneCountries: [{ region: 'FR', weight: 1 }] };

async function identityCountingItsWork(config: Partial<IdentityConfig> = FRENCH_USER_BASE) {
  const sqlite = createSqliteEventStore({ path: ':memory:' });
  const work: Work = { reads: 0, appends: 0, hashChecks: 0 };
  const eventStore: EventStore = {
    ...sqlite,
    async readStream(streamId, options) {
      work.reads += 1;
      return sqlite.readStream(streamId, options);
    },
    async append(streamId, events, options) {
      work.appends += 1;
      return sqlite.append(streamId, events, options);
    },
  };
  const hasher = await createPasswordHasher({ memoryBytes: 8 * 1024 * 1024, iterations: 1 });
  const commandKeyPair = generateBoxKeyPair();
  const hashingKey = randomBytes(32);
  const personalData = createPersonalDataProtector({
    keyStore: createSqliteKeyStore({ path: ':memory:' }),
    keyEncryptionKey: deriveKeyEncryptionKey(hashingKey),
  });
  let offsetMs = 0;
  const service = createIdentityService({
    eventStore,
    personalData,
    kycProvider: createDevKycProvider({ publicBaseUrl: 'http://127.0.0.1' }),
    wallet: createDevWalletIssuer(),
    passwordHasher: {
      hash: hasher.hash,
      async verify(encoded, password) {
        work.hashChecks += 1;
        return hasher.verify(encoded, password);
      },
      async verifyDummy(password) {
        work.hashChecks += 1;
        return hasher.verifyDummy(password);
      },
    },
    breachedPasswords: { size: 0, has: () => false },
    keys: { hashingKey, commandKeyPair, notifierPublicKey: generateBoxKeyPair().publicKey },
    config: { ...defaultIdentityConfig, ...config },
    clock: () => new Date(Date.now() + offsetMs),
  });
  const channel = createSendingChannel(commandKeyPair.publicKey);
  const seal = (secrets: Record<string, string>) => channel.seal(secrets);

  /** What one command of `clientId` answered and the work it took. */
  async function measured(command: Omit<IdentityCommand, 'metadata'>, clientId = 'client-a') {
    const before = { ...work };
    const result = await service.handle({
      ...command,
      metadata: { correlationId: 'c-1', clientId },
    } as IdentityCommand);
    return {
      result,
      reads: work.reads - before.reads,
      appends: work.appends - before.appends,
      hashChecks: work.hashChecks - before.hashChecks,
    };
  }
  const signUp = async (user: typeof ADA, clientId = 'client-a') =>
    (
      await measured(
        {
          type: 'RegisterUser',
          payload: {
            email: user.email,
            phoneNumber: user.phoneNumber,
            roles: [],
            sealedSecrets: seal({ password: user.password }),
          },
        },
        clientId,
      )
    ).result;
  return {
    measured,
    seal,
    signUp,
    store: sqlite,
    personalData,
    hashingKey,
    work,
    advanceClock: (seconds: number) => {
      offsetMs += seconds * 1000;
    },
    close: () => sqlite.close(),
  };
}
type Identity = Awaited<ReturnType<typeof identityCountingItsWork>>;

const login = (identity: Identity, email: string, password: string, clientId?: string) =>
  identity.measured({ type: 'StartLogin', payload: { email, sealedSecrets: identity.seal({ password }) } }, clientId);
const reset = (identity: Identity, email: string, clientId?: string) =>
  identity.measured({ type: 'StartPasswordReset', payload: { email } }, clientId);
const stage = (identity: Identity, email: string, sessionId: string, clientId?: string) =>
  identity.measured(
    {
      type: 'StagePasswordChange',
      payload: {
        email,
        sessionId,
        challengeType: 'SMS_OTP',
        sealedSecrets: identity.seal({ password: 'a brand new passphrase' }),
      },
    },
    clientId,
  );
const wrongCode = (identity: Identity, email: string, sessionId: string, clientId?: string) =>
  identity.measured(
    {
      type: 'VerifyOtp',
      payload: {
        email,
        sessionId,
        challengeType: 'SMS_OTP',
        sealedSecrets: identity.seal({ code: '0000' }),
        newRefreshTokenHash: 'unused',
      },
    },
    clientId,
  );
const resend = (identity: Identity, email: string, sessionId: string, clientId?: string) =>
  identity.measured({ type: 'ResendOtp', payload: { email, sessionId } }, clientId);

/** Everything but the session id and the masked number, which differ for any two resets. */
function withoutSession(result: CommandResult): unknown {
  if (!result.ok) return result;
  const { sessionId: _session, codeDeliveryDestination, ...rest } = result.data as Record<string, unknown>;
  return { ...rest, destinationShape: String(codeDeliveryDestination).replace(/\d/g, '#') };
}

t.test('an unknown user and a wrong password: the same answer, the same reads, one password hash each', async (t) => {
  const identity = await identityCountingItsWork();
  t.teardown(identity.close);
  t.ok((await identity.signUp(ADA)).ok);
  for (let round = 0; round < 3; round += 1) {
    const wrongPassword = await login(identity, ADA.email, 'not the password at all');
    const unknown = await login(identity, `nobody.${round}@example.com`, 'not the password at all');
    t.same(unknown.result, wrongPassword.result, 'the same refusal');
    t.equal(unknown.reads, wrongPassword.reads, 'the same event-store reads');
    t.equal(unknown.hashChecks, 1, 'an unknown user costs one password hash');
    t.equal(wrongPassword.hashChecks, 1);
    t.equal(unknown.appends, 0, 'nothing is written for an unknown email');
    t.equal(wrongPassword.appends, 1, 'the failure is recorded on the real user');
  }
});

t.test('a password reset for an unknown and a known email: the same answer, the same reads', async (t) => {
  const identity = await identityCountingItsWork();
  t.teardown(identity.close);
  t.ok((await identity.signUp(ADA)).ok);
  for (let round = 0; round < 3; round += 1) {
    const known = await reset(identity, ADA.email);
    const unknown = await reset(identity, `nobody.${round}@example.com`);
    t.ok(known.result.ok && unknown.result.ok, 'both start a reset');
    t.same(
      withoutSession(unknown.result),
      withoutSession(known.result),
      'the same answer, with a number of the same shape',
    );
    t.equal(unknown.reads, known.reads, 'the same event-store reads');
    t.equal(unknown.appends, 0, 'nothing is written for an unknown email');
  }
});

/**
 * Runs the same sequence on two emails side by side and asks that every
 * answer be the same: reset, resend too soon, stage the new password, three
 * wrong codes, and a fourth when the session is closed.
 */
async function resetSequencesAgree(
  t: Test,
  identity: Identity,
  known: { email: string; clientId?: string },
  other: { email: string; clientId?: string },
) {
  const sequence = async ({ email, clientId }: { email: string; clientId?: string }) => {
    const started = await reset(identity, email, clientId);
    if (!started.result.ok) return [started.result];
    const { sessionId } = started.result.data as { sessionId: string };
    const answers: unknown[] = [withoutSession(started.result)];
    answers.push((await resend(identity, email, sessionId, clientId)).result);
    answers.push((await wrongCode(identity, email, sessionId, clientId)).result);
    answers.push(withoutSession((await stage(identity, email, sessionId, clientId)).result));
    for (let attempt = 0; attempt < 5; attempt += 1)
      answers.push((await wrongCode(identity, email, sessionId, clientId)).result);
    return answers;
  };
  const expected = await sequence(known);
  const actual = await sequence(other);
  t.same(actual, expected, 'every step answers the same');
  t.same(
    expected.slice(-2),
    [
      { ok: false, error: 'OTP_ATTEMPTS_EXHAUSTED' },
      { ok: false, error: 'OTP_ATTEMPTS_EXHAUSTED' },
    ],
    'the session closes after its wrong codes',
  );
}

t.test(
  'an unknown email walks a whole password reset with the answers a real user gets, and nothing is written',
  async (t) => {
    const identity = await identityCountingItsWork();
    t.teardown(identity.close);
    t.ok((await identity.signUp(ADA)).ok);
    const appendsBefore = identity.work.appends;
    await resetSequencesAgree(t, identity, { email: ADA.email }, { email: 'nobody@example.com' });
    const realAppends = identity.work.appends - appendsBefore;
    t.ok(realAppends > 0, "the real user's steps were recorded");
  },
);

t.test("another API client's user is an unknown user to this client, answer for answer", async (t) => {
  const identity = await identityCountingItsWork();
  t.teardown(identity.close);
  t.ok((await identity.signUp(ADA, 'client-a')).ok, 'client A signs Ada up');

  t.test(
    "login: the right password from another client is an unknown user's refusal, with the same work",
    async (t) => {
      const fromB = await login(identity, ADA.email, ADA.password, 'client-b');
      const unknown = await login(identity, 'nobody@example.com', ADA.password, 'client-b');
      t.same(fromB.result, { ok: false, error: 'INVALID_CREDENTIALS' });
      t.same(fromB.result, unknown.result, 'the same refusal');
      t.equal(fromB.reads, unknown.reads, 'the same reads');
      t.equal(fromB.hashChecks, unknown.hashChecks, 'the same password-hash work');
      t.equal(fromB.appends, 0, 'nothing is recorded on Ada');
      const fromA = await login(identity, ADA.email, ADA.password, 'client-a');
      t.ok(fromA.result.ok, 'her own client still logs her in');
    },
  );

  t.test("a password reset through another client is an unknown email's, step after step", async (t) => {
    const before = identity.work.appends;
    await resetSequencesAgree(
      t,
      identity,
      { email: 'nobody.else@example.com', clientId: 'client-b' },
      { email: ADA.email, clientId: 'client-b' },
    );
    t.equal(identity.work.appends, before, "nothing is written on Ada's streams");
  });

  t.test('the other client may sign up a user of its own with the same email and phone: a separate user', async (t) => {
    const theirs = await identity.signUp(ADA, 'client-b');
    t.ok(theirs.ok, 'the sign-up succeeds, as for an unknown email');
    const ours = await identity.signUp(ADA, 'client-a');
    t.same(ours, { ok: false, error: 'REGISTRATION_CONFLICT' }, 'within one client the email stays unique');
    const aLogin = await login(identity, ADA.email, ADA.password, 'client-a');
    const bLogin = await login(identity, ADA.email, ADA.password, 'client-b');
    t.ok(aLogin.result.ok && bLogin.result.ok, 'each client logs in its own user');
  });
});

t.test('an unknown email locks after the same wrong passwords as a real user, for the same wait', async (t) => {
  const identity = await identityCountingItsWork({
    ...FRENCH_USER_BASE,
    loginLock: { threshold: 3, baseSeconds: 60, maxSeconds: 3600 },
  });
  t.teardown(identity.close);
  t.ok((await identity.signUp(ADA)).ok);
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const known = await login(identity, ADA.email, 'wrong password');
    const unknown = await login(identity, 'nobody@example.com', 'wrong password');
    t.same(
      unknown.result,
      known.result,
      `attempt ${attempt + 1}: the same answer (${known.result.ok ? 'ok' : known.result.error})`,
    );
  }
  identity.advanceClock(61);
  t.same(
    (await login(identity, 'nobody@example.com', 'wrong password')).result,
    (await login(identity, ADA.email, 'wrong password')).result,
    'after the wait, the same answer again',
  );
});

t.test(
  'users signed up before users were bound to their client still log in through their client, and only through it',
  async (t) => {
    const identity = await identityCountingItsWork();
    t.teardown(identity.close);
    // A user as an earlier version wrote them: reservations named by the email and phone alone.
    t.ok((await identity.signUp(ADA, 'client-a')).ok);
    const userId = (await identity.store.readAll({ maxCount: 100 }))
      .find((event) => event.type === 'UserRegistered')!
      .streamId.slice('user-'.length);
    const legacy = {
      email: streams.email(keyedHash(identity.hashingKey, 'email', 'old.timer@example.com')),
      phone: streams.phone(keyedHash(identity.hashingKey, 'phone', '+33687654321')),
    };
    const oldUserId = '0c8d4f6e-1b2a-4c3d-8e9f-0a1b2c3d4e5f';
    const protectedStore = withPersonalDataProtection(identity.store, identity.personalData);
    const event = (type: string, data: Record<string, unknown>) => ({
      eventId: timeOrderedUuid(),
      type,
      schemaVersion: 1,
      data,
      metadata: { correlationId: 'old', clientId: 'client-a', occurredAt: new Date().toISOString() },
    });
    await protectedStore.append(legacy.email, [event('EmailReserved', { userId: oldUserId })], {
      expectedRevision: 'no-stream',
    });
    await protectedStore.append(legacy.phone, [event('PhoneNumberReserved', { userId: oldUserId })], {
      expectedRevision: 'no-stream',
    });
    const { hash } = await await createPasswordHasher({ memoryBytes: 8 * 1024 * 1024, iterations: 1 });
    await protectedStore.append(
      streams.user(oldUserId),
      [
        event('UserRegistered', {
          userId: oldUserId,
          email: 'old.timer@example.com',
          phoneNumber: '+33687654321',
          passwordHash: await hash('an old passphrase'),
          roles: ['USER'],
          clientId: 'client-a',
        }),
        event('AccountOpened', { userId: oldUserId, accountId: 'old-account', kind: 'MAIN' }),
      ],
      { expectedRevision: 'no-stream' },
    );
    t.not(userId, oldUserId);

    t.ok(
      (await login(identity, 'old.timer@example.com', 'an old passphrase', 'client-a')).result.ok,
      'their client logs them in',
    );
    t.same(
      (await login(identity, 'old.timer@example.com', 'an old passphrase', 'client-b')).result,
      { ok: false, error: 'INVALID_CREDENTIALS' },
      'another client meets an unknown user',
    );
    t.same(
      await identity.signUp(
        { email: 'old.timer@example.com', phoneNumber: '+33611111111', password: 'x long passphrase' },
        'client-a',
      ),
      { ok: false, error: 'REGISTRATION_CONFLICT' },
      'their client cannot sign the email up twice',
    );
    t.same(
      await identity.signUp(
        { email: 'new.timer@example.com', phoneNumber: '+33687654321', password: 'x long passphrase' },
        'client-a',
      ),
      { ok: false, error: 'REGISTRATION_CONFLICT' },
      'nor the phone number',
    );
    t.ok(
      (
        await identity.signUp(
          { email: 'old.timer@example.com', phoneNumber: '+33687654321', password: 'x long passphrase' },
          'client-b',
        )
      ).ok,
      'another client signs up a user of its own',
    );
  },
);
