import t from 'tap';
import { Writable } from 'node:stream';
import { generateBoxKeyPair, sealJson } from '@tessera/crypto';
import { createLogger } from '@tessera/logging';
import type { SmsMessage, SmsSender } from '@tessera/sms';
import { createOtpNotifier } from '../src/index.ts';

const now = new Date('2026-01-01T10:00:00.000Z');

function setup() {
  const keyPair = generateBoxKeyPair();
  const sent: SmsMessage[] = [];
  const sms: SmsSender = { async send(message) { sent.push(message); return { providerMessageId: `p${sent.length}` }; } };
  const lines: string[] = [];
  const logger = createLogger('notifier', { destination: new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done(); } }) });
  const notify = createOtpNotifier({ sms, keyPair, logger, clock: () => now, messages: { brand: 'Acme Bank' } });
  return { keyPair, sent, lines, notify };
}

function otpIssued(publicKey: Buffer, overrides: { eventId?: string; expiresAt?: string; sealed?: string; purpose?: string } = {}) {
  const eventId = overrides.eventId ?? 'evt-1';
  return {
    key: 'u1',
    headers: { 'event-type': 'OtpIssued', 'event-id': eventId, 'correlation-id': 'corr-1' },
    value: {
      eventId, streamId: 'user-u1', revision: 3, position: 10, type: 'OtpIssued', schemaVersion: 1, metadata: {}, recordedAt: now.toISOString(),
      data: {
        userId: 'u1', sessionId: 's1', purpose: overrides.purpose ?? 'LOGIN', codeHash: 'h', destinationHint: '+33*******78',
        sealedDelivery: overrides.sealed ?? sealJson(publicKey, { code: '4821', to: '+33612345678' }),
        issuedAt: now.toISOString(), expiresAt: overrides.expiresAt ?? new Date(now.getTime() + 300_000).toISOString(), maxAttempts: 3,
      },
    },
  };
}

t.test('an issued code is sent by SMS to the user’s phone, with the brand and the expiry', async (t) => {
  const { keyPair, sent, notify } = setup();
  await notify(otpIssued(keyPair.publicKey));
  t.equal(sent.length, 1);
  t.equal(sent[0]?.to, '+33612345678');
  t.match(sent[0]?.text, /^4821 is your Acme Bank login code\. It expires in 5 min\./);
  await notify(otpIssued(keyPair.publicKey, { eventId: 'evt-2', purpose: 'PASSWORD_RESET' }));
  t.match(sent[1]?.text, /password reset code/);
});

t.test('the same event delivered twice sends one SMS', async (t) => {
  const { keyPair, sent, notify } = setup();
  const message = otpIssued(keyPair.publicKey);
  await notify(message);
  await notify(message);
  t.equal(sent.length, 1);
});

t.test('a code that has already expired is never sent', async (t) => {
  const { keyPair, sent, notify } = setup();
  await notify(otpIssued(keyPair.publicKey, { expiresAt: new Date(now.getTime() - 1).toISOString() }));
  t.equal(sent.length, 0);
});

t.test('a code sealed to another key is not sent', async (t) => {
  const { sent, notify } = setup();
  await notify(otpIssued(generateBoxKeyPair().publicKey));
  t.equal(sent.length, 0);
});

t.test('other events are ignored', async (t) => {
  const { keyPair, sent, notify } = setup();
  const message = otpIssued(keyPair.publicKey);
  await notify({ ...message, headers: { ...message.headers, 'event-type': 'UserRegistered' } });
  t.equal(sent.length, 0);
});

t.test('the log says what was sent without the code or the full phone number', async (t) => {
  const { keyPair, lines, notify } = setup();
  await notify(otpIssued(keyPair.publicKey));
  const log = lines.join('');
  t.match(log, /otp sms handed to provider/);
  t.match(log, /\+33\*+78/, 'the masked destination is logged');
  t.notOk(log.includes('4821'), 'no code');
  t.notOk(log.includes('+33612345678'), 'no full phone number');
});

t.test('after a restart, an event already sent is not sent again (dispatch ledger)', async (t) => {
  const { createSqliteViewStore } = await import('@tessera/read-models');
  const { createDispatchLedger } = await import('../src/index.ts');
  const store = createSqliteViewStore({ path: ':memory:' });
  t.teardown(() => store.close());
  const first = setup();
  const ledgerNotifier = (sent: SmsMessage[]) => createOtpNotifier({
    sms: { async send(message) { sent.push(message); return { providerMessageId: 'p1' }; } },
    keyPair: first.keyPair, logger: createLogger('notifier', { level: 'silent' }), clock: () => now, messages: { brand: 'Acme' }, ledger: createDispatchLedger(store),
  });
  const sentBefore: SmsMessage[] = [];
  const sentAfter: SmsMessage[] = [];
  const message = otpIssued(first.keyPair.publicKey);
  await ledgerNotifier(sentBefore)(message);
  await ledgerNotifier(sentAfter)(message);
  t.equal(sentBefore.length, 1);
  t.equal(sentAfter.length, 0, 'the new process sees the dispatch in the ledger');
});

t.test('a crash between the provider accepting and the ledger record: the provider is asked, nothing is sent twice', async (t) => {
  const { createSqliteViewStore } = await import('@tessera/read-models');
  const { createDispatchLedger } = await import('../src/index.ts');
  const store = createSqliteViewStore({ path: ':memory:' });
  t.teardown(() => store.close());
  const keyPair = generateBoxKeyPair();
  const message = otpIssued(keyPair.publicKey);
  const ledger = createDispatchLedger(store);
  await ledger.begin(message.value.eventId, message.value.position);
  const accepted = new Map([[message.value.eventId, { providerMessageId: 'p-before-crash' }]]);
  const sent: SmsMessage[] = [];
  const notify = createOtpNotifier({
    sms: { async send(sms) { sent.push(sms); return { providerMessageId: 'p-new' }; }, async findByReference(reference) { return accepted.get(reference); } },
    keyPair, logger: createLogger('notifier', { level: 'silent' }), clock: () => now, messages: { brand: 'Acme' }, ledger,
  });
  await notify(message);
  t.equal(sent.length, 0, 'the provider already had it');
  t.equal(await ledger.state(message.value.eventId), 'sent', 'the ledger now says so');
});

t.test('a crash before the provider accepted: the code is sent on redelivery', async (t) => {
  const { createSqliteViewStore } = await import('@tessera/read-models');
  const { createDispatchLedger } = await import('../src/index.ts');
  const store = createSqliteViewStore({ path: ':memory:' });
  t.teardown(() => store.close());
  const keyPair = generateBoxKeyPair();
  const message = otpIssued(keyPair.publicKey);
  const ledger = createDispatchLedger(store);
  await ledger.begin(message.value.eventId, message.value.position);
  const sent: SmsMessage[] = [];
  const notify = createOtpNotifier({
    sms: { async send(sms) { sent.push(sms); return { providerMessageId: 'p-new' }; }, async findByReference() { return undefined; } },
    keyPair, logger: createLogger('notifier', { level: 'silent' }), clock: () => now, messages: { brand: 'Acme' }, ledger,
  });
  await notify(message);
  t.equal(sent.length, 1, 'delivered once');
});
