/**
 * Passkeys through identity's command handlers, with a software authenticator
 * in the browser's place: creation options for a live login, the answer
 * verified against the client's relying party and kept on the user's stream,
 * the list, the removal, and each refusal.
 */
import t, { type Test } from 'tap';
import {
  stepUpTransactionHash,
  streams,
  type CommandReplies,
  type CommandResult,
  type IdentityCommand,
  type SealedOtpDelivery,
} from '@tessera/contracts';
import { createSendingChannel, generateBoxKeyPair, generateSecretKey, openSealedJson } from '@tessera/crypto';
import { createSqliteEventStore } from '@tessera/event-store';
import { createPersonalDataProtector, createSqliteKeyStore, deriveKeyEncryptionKey } from '@tessera/personal-data';
import { createDevKycProvider, createDevWalletIssuer } from '@tessera/providers';
import { SoftwareAuthenticator } from '@tessera/testing';
import { passkeyLoginChallenge, passkeyStepUpChallenge } from '../src/application/passkeyVerification.ts';
import { createIdentityService, defaultIdentityConfig } from '../src/index.ts';

const email = 'ada@example.com';
const password = 'a long passphrase';
const metadata = { correlationId: 'c-1', clientId: 'client-1' };
const origin = 'https://app.bank.example';
const rp = { id: 'bank.example', name: 'Bank', origins: [origin] };

function identity(t: Test) {
  const eventStore = createSqliteEventStore({ path: ':memory:' });
  t.teardown(() => eventStore.close());
  const commandKeyPair = generateBoxKeyPair();
  const notifierKeyPair = generateBoxKeyPair();
  const hashingKey = generateSecretKey();
  const personalData = createPersonalDataProtector({
    keyStore: createSqliteKeyStore({ path: ':memory:' }),
    keyEncryptionKey: deriveKeyEncryptionKey(hashingKey),
  });
  const service = createIdentityService({
    eventStore,
    passwordHasher: {
      hash: async (plain) => `hashed:${plain}`,
      verify: async (encoded, plain) => encoded === `hashed:${plain}`,
      verifyDummy: async () => undefined,
    },
    config: { ...defaultIdentityConfig, passkeyRelyingParties: { 'client-1': rp } },
    clock: () => new Date(),
    personalData,
    kycProvider: createDevKycProvider({ publicBaseUrl: 'http://127.0.0.1' }),
    wallet: createDevWalletIssuer(),
    breachedPasswords: { size: 0, has: () => false },
    keys: { hashingKey, commandKeyPair, notifierPublicKey: notifierKeyPair.publicKey },
  });
  const channel = createSendingChannel(commandKeyPair.publicKey);
  async function handle<K extends keyof CommandReplies>(type: K, payload: object, clientId = 'client-1') {
    const command = { type, metadata: { ...metadata, clientId }, payload } as unknown as IdentityCommand;
    return (await service.handle(command)) as CommandResult<CommandReplies[K]>;
  }
  const stored = (userId: string) => eventStore.readStream(streams.user(userId));
  /** The code the notifier would send last, opened as the notifier opens it. */
  async function lastSms(userId: string) {
    const issued = (await stored(userId)).filter((event) => event.type === 'OtpIssued').at(-1)!;
    const { data } = await personalData.reveal('OtpIssued', issued.data);
    return openSealedJson<SealedOtpDelivery>(notifierKeyPair, String(data.sealedDelivery))!;
  }
  /** Binding a passkey asks for the password again. */
  const withPassword = (again = password) => ({ sealedSecrets: channel.seal({ password: again }) });
  return { handle, channel, stored, lastSms, hashingKey, notifierKeyPair, personalData, withPassword };
}

async function loggedIn(t: Test) {
  const flow = identity(t);
  const { handle, channel, lastSms } = flow;
  const registered = await handle('RegisterUser', {
    email,
    phoneNumber: '+33612345678',
    roles: [],
    locale: 'en',
    sealedSecrets: channel.seal({ password }),
  });
  if (!registered.ok) throw new Error(registered.error);
  const { userId } = registered.data;
  const login = await handle('StartLogin', { email, sealedSecrets: channel.seal({ password }) });
  if (!login.ok) throw new Error(login.error);
  const { code } = await lastSms(userId);
  const verified = await handle('VerifyOtp', {
    email,
    sessionId: login.data.sessionId,
    challengeType: 'SMS_OTP',
    sealedSecrets: channel.seal({ code }),
    newRefreshTokenHash: 'refresh-hash',
  });
  if (!verified.ok || verified.data.purpose !== 'LOGIN') throw new Error('login failed');
  return { ...flow, userId, familyId: verified.data.familyId };
}

/** Creation options for the login, answered by the authenticator. */
async function created(flow: Awaited<ReturnType<typeof loggedIn>>, authenticator: SoftwareAuthenticator) {
  const { handle, userId, familyId } = flow;
  const started = await handle('StartPasskeyRegistration', { userId, familyId, userName: email });
  if (!started.ok) throw new Error(started.error);
  return authenticator.register(started.data.options as { challenge: string; rp: { id?: string } });
}

t.test('a passkey registered, listed and removed', async (t) => {
  const flow = await loggedIn(t);
  const { handle, stored, userId, familyId } = flow;
  const authenticator = new SoftwareAuthenticator({ origin });
  const response = await created(flow, authenticator);
  const registered = await handle('RegisterPasskey', { ...flow.withPassword(), userId, familyId, response });
  if (!registered.ok) throw new Error(registered.error);
  const credentialId = authenticator.credentials[0]!.id;
  t.equal(registered.data.credentialId, credentialId);
  const event = (await stored(userId)).find((stored) => stored.type === 'PasskeyRegistered');
  t.match(event?.data, { credentialId, counter: 0, transports: ['internal'], clientId: 'client-1' });

  const listed = await handle('ListPasskeys', { userId, familyId });
  t.same(listed.ok && listed.data.passkeys.map((passkey) => passkey.credentialId), [credentialId]);
  const again = await handle('RegisterPasskey', { ...flow.withPassword(), userId, familyId, response });
  t.same(again, { ok: false, error: 'PASSKEY_ALREADY_REGISTERED' }, 'the same credential twice is refused');

  const removed = await handle('RemovePasskey', { userId, familyId, credentialId });
  t.match(removed, { ok: true, data: { credentialId, removed: true } });
  const after = await handle('ListPasskeys', { userId, familyId });
  t.same(after.ok && after.data.passkeys, [], 'the list is empty');
  t.same(await handle('RemovePasskey', { userId, familyId, credentialId }), { ok: false, error: 'PASSKEY_NOT_FOUND' });
});

t.test('the options ask for user verification and exclude the passkeys already registered', async (t) => {
  const flow = await loggedIn(t);
  const { handle, userId, familyId } = flow;
  const authenticator = new SoftwareAuthenticator({ origin });
  await handle('RegisterPasskey', {
    ...flow.withPassword(),
    userId,
    familyId,
    response: await created(flow, authenticator),
  });
  const started = await handle('StartPasskeyRegistration', { userId, familyId, userName: email });
  if (!started.ok) throw new Error(started.error);
  t.match(started.data.options, {
    rp: { id: 'bank.example' },
    authenticatorSelection: { userVerification: 'required' },
    excludeCredentials: [{ id: authenticator.credentials[0]!.id }],
  });
});

t.test('what is refused keeps nothing', async (t) => {
  const flow = await loggedIn(t);
  const { handle, stored, userId, familyId } = flow;
  const phished = await created(flow, new SoftwareAuthenticator({ origin: 'https://bank-example.phish' }));
  t.same(await handle('RegisterPasskey', { ...flow.withPassword(), userId, familyId, response: phished }), {
    ok: false,
    error: 'PASSKEY_REGISTRATION_INVALID',
  });
  const withoutVerification = await created(flow, new SoftwareAuthenticator({ origin, userVerified: false }));
  t.same(await handle('RegisterPasskey', { ...flow.withPassword(), userId, familyId, response: withoutVerification }), {
    ok: false,
    error: 'PASSKEY_REGISTRATION_INVALID',
  });
  t.same(
    await handle('RegisterPasskey', { ...flow.withPassword(), userId, familyId, response: { id: 'x' } }),
    {
      ok: false,
      error: 'PASSKEY_REGISTRATION_INVALID',
    },
    'a malformed answer is refused, not a crash',
  );
  const good = await created(flow, new SoftwareAuthenticator({ origin }));
  t.same(
    await handle('RegisterPasskey', { ...flow.withPassword(), userId, familyId: 'family-other', response: good }),
    {
      ok: false,
      error: 'UNAUTHENTICATED',
    },
    "another login's user token",
  );
  t.same(
    await handle('StartPasskeyRegistration', { userId, familyId, userName: email }, 'client-2'),
    {
      ok: false,
      error: 'PASSKEYS_NOT_OFFERED',
    },
    'a client without a relying party offers no passkeys',
  );
  t.equal((await stored(userId)).filter((event) => event.type === 'PasskeyRegistered').length, 0);
});

t.test('binding a passkey asks for the password again, and a wrong one is counted as at login', async (t) => {
  const flow = await loggedIn(t);
  const { handle, stored, userId, familyId } = flow;
  const response = await created(flow, new SoftwareAuthenticator({ origin }));
  t.same(await handle('RegisterPasskey', { ...flow.withPassword('not the password'), userId, familyId, response }), {
    ok: false,
    error: 'INVALID_CREDENTIALS',
  });
  t.same(
    await handle('RegisterPasskey', { userId, familyId, response }),
    { ok: false, error: 'VALIDATION_FAILED' },
    'neither the password nor a step-up token',
  );
  const events = await stored(userId);
  t.equal(events.filter((event) => event.type === 'LoginFailed').length, 1, 'the wrong password counted once');
  t.equal(events.filter((event) => event.type === 'PasskeyRegistered').length, 0, 'nothing registered');
  const registered = await handle('RegisterPasskey', { ...flow.withPassword(), userId, familyId, response });
  t.equal(registered.ok, true, 'the right password binds it');
});

t.test("the user's phone is told of a passkey added and removed, and the notice names no credential", async (t) => {
  const flow = await loggedIn(t);
  const { handle, stored, userId, familyId, personalData, notifierKeyPair } = flow;
  const authenticator = new SoftwareAuthenticator({ origin });
  const response = await created(flow, authenticator);
  await handle('RegisterPasskey', { ...flow.withPassword(), userId, familyId, response });
  const credentialId = authenticator.credentials[0]!.id;
  await handle('RemovePasskey', { userId, familyId, credentialId });
  for (const type of ['PasskeyRegistered', 'PasskeyRemoved'] as const) {
    const event = (await stored(userId)).find((stored) => stored.type === type)!;
    t.notOk(String(event.data.sealedNotice).includes('+336'), `${type}: the phone number is not in the clear`);
    const { data } = await personalData.reveal(type, event.data);
    const notice = openSealedJson<Record<string, unknown>>(notifierKeyPair, String(data.sealedNotice));
    t.same(notice, { to: '+33612345678', locale: 'en' }, `${type}: the notice opens to the user's phone, no more`);
  }
});

/** A user with a passkey registered through the handlers, and a way to start a login and answer it. */
async function withPasskey(t: Test) {
  const flow = await loggedIn(t);
  const { handle, channel, userId, familyId } = flow;
  const authenticator = new SoftwareAuthenticator({ origin });
  const registered = await handle('RegisterPasskey', {
    ...flow.withPassword(),
    userId,
    familyId,
    response: await created(flow, authenticator),
  });
  if (!registered.ok) throw new Error(registered.error);
  async function startLogin() {
    const login = await handle('StartLogin', { email, sealedSecrets: channel.seal({ password }) });
    if (!login.ok) throw new Error(login.error);
    return login.data as typeof login.data & { passkeyOptions: { challenge: string; rpId?: string } };
  }
  const answer = (sessionId: string, passkeyResponse: unknown) =>
    handle('VerifyOtp', {
      email,
      sessionId,
      challengeType: 'PASSKEY',
      sealedSecrets: channel.seal({}),
      newRefreshTokenHash: 'refresh-passkey',
      passkeyResponse,
    });
  return { ...flow, authenticator, startLogin, answer };
}

t.test('logging in with a passkey', async (t) => {
  t.test("the login's answer carries request options; the assertion starts the session", async (t) => {
    const { authenticator, startLogin, answer, stored, userId } = await withPasskey(t);
    const login = await startLogin();
    t.match(login.passkeyOptions, {
      rpId: 'bank.example',
      userVerification: 'required',
      allowCredentials: [{ id: authenticator.credentials[0]!.id }],
    });
    const verified = await answer(login.sessionId, authenticator.authenticate(login.passkeyOptions));
    t.match(verified, { ok: true, data: { purpose: 'LOGIN', userId } });
    const used = (await stored(userId)).filter((event) => event.type === 'PasskeyUsed');
    t.match(
      used.map((event) => event.data),
      [{ counter: 1, sessionId: login.sessionId }],
    );
  });
  t.test('a user without passkeys gets no request options', async (t) => {
    const { handle, channel } = await loggedIn(t);
    const login = await handle('StartLogin', { email, sealedSecrets: channel.seal({ password }) });
    t.ok(login.ok && !('passkeyOptions' in login.data));
  });
  t.test('each refusal is a wrong code, and three close the challenge', async (t) => {
    const { authenticator, startLogin, answer } = await withPasskey(t);
    const login = await startLogin();
    const phishing = new SoftwareAuthenticator({ origin: 'https://bank-example.phish' });
    phishing.credentials.push({ ...authenticator.credentials[0]! });
    t.same(await answer(login.sessionId, phishing.authenticate(login.passkeyOptions)), {
      ok: false,
      error: 'OTP_INVALID',
    });
    const otherChallenge = { ...login.passkeyOptions, challenge: Buffer.from('another').toString('base64url') };
    t.same(await answer(login.sessionId, authenticator.authenticate(otherChallenge)), {
      ok: false,
      error: 'OTP_INVALID',
    });
    t.same(await answer(login.sessionId, { id: 'nothing' }), { ok: false, error: 'OTP_INVALID' }, 'malformed');
    t.same(await answer(login.sessionId, authenticator.authenticate(login.passkeyOptions)), {
      ok: false,
      error: 'OTP_ATTEMPTS_EXHAUSTED',
    });
  });
  t.test("an assertion replayed on a later login, or a clone's counter, is refused", async (t) => {
    const { authenticator, startLogin, answer } = await withPasskey(t);
    const first = await startLogin();
    const response = authenticator.authenticate(first.passkeyOptions);
    t.match(await answer(first.sessionId, response), { ok: true });
    const second = await startLogin();
    t.same(await answer(second.sessionId, response), { ok: false, error: 'OTP_INVALID' }, 'replayed');
    const clone = authenticator.authenticate(second.passkeyOptions, { counter: 1 });
    t.same(await answer(second.sessionId, clone), { ok: false, error: 'OTP_INVALID' }, 'a counter that did not grow');
    t.match(await answer(second.sessionId, authenticator.authenticate(second.passkeyOptions)), { ok: true });
  });
});

t.test('confirming a step-up with a passkey', async (t) => {
  const withdrawal = { amount: '150.00', currency: 'EUR', destination: 'FR76 3000 6000 0112 3456 7890 9f3a' };
  const other = { amount: '9000', currency: 'EUR', destination: 'GB33 BUKB 2020 1555 5555 55' };
  type StepUpAnswer = CommandReplies['StartStepUp'] & { passkeyOptions: { challenge: string; rpId?: string } };
  /** A signed-in user with a passkey, asking to confirm a withdrawal with the password. */
  async function steppingUp(t: Test) {
    const flow = await withPasskey(t);
    const { handle, channel, userId, familyId } = flow;
    async function startStepUp(transaction = withdrawal, secret = password) {
      const payload = {
        userId,
        familyId,
        action: 'WITHDRAW',
        transaction,
        sealedSecrets: channel.seal({ password: secret }),
      };
      return handle('StartStepUp', payload) as Promise<CommandResult<StepUpAnswer>>;
    }
    async function started(transaction = withdrawal) {
      const answer = await startStepUp(transaction);
      if (!answer.ok) throw new Error(answer.error);
      return answer.data;
    }
    return { ...flow, startStepUp, started };
  }

  t.test("the step-up's answer carries request options, and the SMS code is sent as before", async (t) => {
    const { authenticator, started, lastSms, userId } = await steppingUp(t);
    const stepUp = await started();
    t.match(stepUp.passkeyOptions, {
      rpId: 'bank.example',
      userVerification: 'required',
      allowCredentials: [{ id: authenticator.credentials[0]!.id }],
    });
    const sms = await lastSms(userId);
    t.match(sms.stepUp, { action: 'WITHDRAW', amount: '150', currency: 'EUR' }, 'the SMS states the withdrawal');
    const again = await started();
    t.not(again.passkeyOptions.challenge, stepUp.passkeyOptions.challenge, 'each step-up has its own challenge');
  });
  t.test('the assertion answers a token for this transaction, recorded as a passkey answer, once', async (t) => {
    const { authenticator, started, answer, stored, userId } = await steppingUp(t);
    const stepUp = await started();
    const response = authenticator.authenticate(stepUp.passkeyOptions);
    const verified = await answer(stepUp.sessionId, response);
    t.match(verified, {
      ok: true,
      data: { purpose: 'STEP_UP', userId, stepUpId: stepUp.sessionId, action: 'WITHDRAW', challengeType: 'PASSKEY' },
    });
    t.ok(verified.ok && verified.data.purpose === 'STEP_UP' && verified.data.transactionHash, 'bound to the txn');
    const completed = (await stored(userId)).find((event) => event.type === 'StepUpCompleted');
    t.match(completed, { schemaVersion: 2, data: { stepUpId: stepUp.sessionId, challengeType: 'PASSKEY' } });
    const second = authenticator.authenticate(stepUp.passkeyOptions);
    t.same(await answer(stepUp.sessionId, second), { ok: false, error: 'OTP_ALREADY_USED' }, 'used once');
  });
  t.test('an assertion made for another transaction answers neither, and counts as a wrong code', async (t) => {
    const { authenticator, started, answer, hashingKey } = await steppingUp(t);
    const withdrawing = await started();
    const txn = stepUpTransactionHash(withdrawal);
    t.equal(
      withdrawing.passkeyOptions.challenge,
      passkeyStepUpChallenge(hashingKey, withdrawing.sessionId, txn),
      "the challenge is the keyed hash of the step-up and its transaction's hash",
    );
    const elsewhere = await started(other);
    const forElsewhere = authenticator.authenticate(elsewhere.passkeyOptions);
    t.same(await answer(withdrawing.sessionId, forElsewhere), { ok: false, error: 'OTP_INVALID' });
    // Bound to the step-up's id alone, as a login's is, the challenge would not bind the transaction: refused too.
    const unbound = {
      ...withdrawing.passkeyOptions,
      challenge: passkeyLoginChallenge(hashingKey, withdrawing.sessionId),
    };
    t.same(await answer(withdrawing.sessionId, authenticator.authenticate(unbound)), {
      ok: false,
      error: 'OTP_INVALID',
    });
    const right = await answer(withdrawing.sessionId, authenticator.authenticate(withdrawing.passkeyOptions));
    t.match(right, { ok: true, data: { challengeType: 'PASSKEY' } }, 'its own assertion still answers');
    t.same(await answer(withdrawing.sessionId, forElsewhere), { ok: false, error: 'OTP_ALREADY_USED' });
  });
  t.test('the SMS code still answers, and the token says so', async (t) => {
    const { handle, channel, started, lastSms, userId } = await steppingUp(t);
    const stepUp = await started();
    const { code } = await lastSms(userId);
    const verified = await handle('VerifyOtp', {
      email,
      sessionId: stepUp.sessionId,
      challengeType: 'SMS_OTP',
      sealedSecrets: channel.seal({ code }),
      newRefreshTokenHash: 'unused',
    });
    t.match(verified, { ok: true, data: { purpose: 'STEP_UP', challengeType: 'SMS_OTP' } });
  });
  t.test('a wrong password gets no options; a user without passkeys gets none either', async (t) => {
    const { startStepUp } = await steppingUp(t);
    t.same(await startStepUp(withdrawal, 'not the password'), { ok: false, error: 'INVALID_CREDENTIALS' });
    const { handle, channel, userId, familyId } = await loggedIn(t);
    const payload = { userId, familyId, action: 'WITHDRAW', transaction: withdrawal };
    const plain = await handle('StartStepUp', { ...payload, sealedSecrets: channel.seal({ password }) });
    t.ok(plain.ok && !('passkeyOptions' in plain.data), 'no passkey, no options');
  });
});
