/**
 * A step-up through identity's command handlers: the password opened and
 * checked as at login, the SMS sealed with what it confirms, the transaction
 * encrypted in the log, the code's reply carrying the token's claims, and the
 * token consumed once for the same transaction written another way.
 */
import t, { type Test } from 'tap';
import {
  streams,
  stepUpTransactionHash,
  type CommandReplies,
  type CommandResult,
  type IdentityCommand,
  type SealedOtpDelivery,
} from '@tessera/contracts';
import { createSendingChannel, generateBoxKeyPair, generateSecretKey, openSealedJson } from '@tessera/crypto';
import { createSqliteEventStore } from '@tessera/event-store';
import { createPersonalDataProtector, createSqliteKeyStore, deriveKeyEncryptionKey } from '@tessera/personal-data';
import { createDevKycProvider, createDevWalletIssuer } from '@tessera/providers';
import { createIdentityService, defaultIdentityConfig } from '../src/index.ts';

const email = 'ada@example.com';
const password = 'a long passphrase';
const metadata = { correlationId: 'c-1', clientId: 'client-1' };
const transaction = { amount: '150.00', currency: 'EUR', destination: 'FR76 3000 6000 0112 3456 7890 9f3a' };

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
    config: defaultIdentityConfig,
    clock: () => new Date(),
    personalData,
    kycProvider: createDevKycProvider({ publicBaseUrl: 'http://127.0.0.1' }),
    wallet: createDevWalletIssuer(),
    breachedPasswords: { size: 0, has: () => false },
    keys: { hashingKey, commandKeyPair, notifierPublicKey: notifierKeyPair.publicKey },
  });
  const channel = createSendingChannel(commandKeyPair.publicKey);
  async function handle<K extends keyof CommandReplies>(type: K, payload: object) {
    const command = { type, metadata, payload } as unknown as IdentityCommand;
    return (await service.handle(command)) as CommandResult<CommandReplies[K]>;
  }
  const stored = (userId: string) => eventStore.readStream(streams.user(userId));
  /** The code the notifier would send last, opened as the notifier opens it. */
  async function lastSms(userId: string) {
    const issued = (await stored(userId)).filter((event) => event.type === 'OtpIssued').at(-1)!;
    const { data } = await personalData.reveal('OtpIssued', issued.data);
    return openSealedJson<SealedOtpDelivery>(notifierKeyPair, String(data.sealedDelivery))!;
  }
  return { handle, channel, stored, lastSms };
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

t.test('a withdrawal confirmed by password and code, and its token used once', async (t) => {
  const { handle, channel, stored, lastSms, userId, familyId } = await loggedIn(t);
  const asked = await handle('StartStepUp', {
    userId,
    familyId,
    action: 'WITHDRAW',
    transaction,
    sealedSecrets: channel.seal({ password }),
  });
  if (!asked.ok) throw new Error(asked.error);
  t.same(Object.keys(asked.data).sort(), ['challengeType', 'codeDeliveryDestination', 'expiresIn', 'sessionId']);
  const sms = await lastSms(userId);
  t.same(sms.stepUp, { action: 'WITHDRAW', amount: '150', currency: 'EUR', destinationHint: '…9f3a' });
  const requested = (await stored(userId)).find((event) => event.type === 'StepUpRequested')!;
  t.match(requested.data.transaction, /^pd1\./, 'the transaction is encrypted in the log');
  t.match(requested.data.transactionHash, /^pd1\./, 'and so is its hash, which would confirm a guess');
  t.notMatch(JSON.stringify(requested.data), /150|9f3a/, 'neither amount nor destination in clear');

  const verified = await handle('VerifyOtp', {
    email,
    sessionId: asked.data.sessionId,
    challengeType: 'SMS_OTP',
    sealedSecrets: channel.seal({ code: sms.code }),
    newRefreshTokenHash: 'unused',
  });
  if (!verified.ok || verified.data.purpose !== 'STEP_UP') throw new Error('the step-up code failed');
  const token = verified.data;
  t.match(token, { userId, stepUpId: asked.data.sessionId, action: 'WITHDRAW', clientId: 'client-1', familyId });
  t.equal(token.transactionHash, stepUpTransactionHash(transaction), 'the txn claim is the canonical hash');
  t.equal(Date.parse(token.expiresAt) - Date.parse(token.authTime), 300_000, 'five minutes by default');

  const consume = (amount: string) =>
    handle('ConsumeStepUp', {
      userId,
      stepUpId: token.stepUpId,
      tokenId: token.tokenId,
      action: 'WITHDRAW',
      transaction: { ...transaction, amount },
    });
  t.same(await consume('150.1'), { ok: false, error: 'STEP_UP_TRANSACTION_MISMATCH' });
  const consumed = await consume('150.0');
  t.match(consumed, { ok: true, data: { userId, stepUpId: token.stepUpId, tokenId: token.tokenId, consumed: true } });
  t.same(await consume('150'), { ok: false, error: 'STEP_UP_TOKEN_ALREADY_USED' });
});

t.test(
  'a wrong password is refused as at login, and a transaction that does not fit the action is bad input',
  async (t) => {
    const { handle, channel, userId, familyId } = await loggedIn(t);
    const start = (secret: string, body: object) =>
      handle('StartStepUp', { userId, familyId, sealedSecrets: channel.seal({ password: secret }), ...body });
    t.same(await start('wrong password', { action: 'WITHDRAW', transaction }), {
      ok: false,
      error: 'INVALID_CREDENTIALS',
    });
    t.same(await start(password, { action: 'ADD_BENEFICIARY', transaction }), {
      ok: false,
      error: 'VALIDATION_FAILED',
    });
    t.same(await start(password, { action: 'WITHDRAW' }), { ok: false, error: 'VALIDATION_FAILED' });
  },
);
