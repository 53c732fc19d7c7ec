import t from 'tap';
import { generateBoxKeyPair } from '@tessera/crypto';
import { createSqliteViewStore } from '@tessera/read-models';
import { SmsDeliveryError, type SmsMessage, type SmsSender } from '@tessera/sms';
import { createLogger } from '@tessera/logging';
import { createDispatchLedger, createSmsNotifier, languageFor } from '../src/index.ts';
import {
  encrypted,
  interruptedDispatch,
  notifierWith,
  otpIssuedMessage,
  passwordChangedMessage,
  personalDataKeys,
} from './support.ts';

function recordingSms(): SmsSender & { sent: SmsMessage[] } {
  const sent: SmsMessage[] = [];
  return {
    sent,
    async send(message) {
      sent.push(message);
      return { providerMessageId: `test:m${sent.length}` };
    },
  };
}

t.test(
  'an issued code is sent by SMS to the user’s phone, with the brand and the expiry, and the dispatch is recorded',
  async (t) => {
    const sms = recordingSms();
    const { keyPair, notify, outcomes } = notifierWith(sms);
    const message = otpIssuedMessage(keyPair.publicKey);
    await notify(message);
    t.equal(sms.sent.length, 1);
    t.equal(sms.sent[0]?.to, '+33612345678');
    t.equal(sms.sent[0]?.reference, message.value.eventId, 'the provider gets the event id as reference');
    t.match(
      sms.sent[0]?.text,
      /^4821 est votre code de connexion Acme Bank\. Il expire dans 5 min\./,
      'a French number gets French',
    );
    t.same(outcomes, [
      {
        type: 'SmsDispatched',
        sourceEventId: message.value.eventId,
        purpose: 'OTP',
        provider: 'test',
        providerMessageId: 'm1',
      },
    ]);
  },
);

t.test(
  'a code encrypted with the user’s key is sent; once the user is erased, nothing is sent and nothing dead-lettered',
  async (t) => {
    const sms = recordingSms();
    const { keyPair, notify, personalData, deadLetters, outcomes } = notifierWith(sms);
    const before = await encrypted(personalData, otpIssuedMessage(keyPair.publicKey));
    t.match(before.value.data.sealedDelivery, /^pd1\./, 'the sealed payload travels encrypted');
    await notify(before);
    t.equal(sms.sent[0]?.to, '+33612345678', 'opened with the user’s key, sent');
    const after = await encrypted(personalData, otpIssuedMessage(keyPair.publicKey));
    await personalData.erase('u1', '2026-01-01T10:00:00.000Z');
    await notify(after);
    t.equal(sms.sent.length, 1, 'no SMS for an erased user');
    t.same(deadLetters, [], 'not a failure to alarm anyone about');
    t.equal(outcomes.length, 1, 'only the first dispatch is recorded');
  },
);

t.test('the language follows the locale chosen at sign-up, else the phone number’s country', async (t) => {
  t.equal(languageFor('fr-CA', '+15145550000'), 'fr');
  t.equal(languageFor('en', '+33612345678'), 'en');
  t.equal(languageFor(undefined, '+33612345678'), 'fr');
  t.equal(languageFor(undefined, '+447911123456'), 'en');
  t.equal(languageFor('de', '+491511234567'), 'en', 'languages without templates fall back to English');
  const sms = recordingSms();
  const { keyPair, notify } = notifierWith(sms);
  await notify(otpIssuedMessage(keyPair.publicKey, { locale: 'en', purpose: 'PASSWORD_RESET' }));
  t.match(sms.sent[0]?.text, /^4821 is your Acme Bank password reset code\. It expires in 5 min\. Never share it\.$/);
});

t.test('a changed password is announced by SMS', async (t) => {
  const sms = recordingSms();
  const { keyPair, notify, outcomes } = notifierWith(sms);
  await notify(passwordChangedMessage(keyPair.publicKey));
  t.equal(sms.sent[0]?.to, '+44712345678');
  t.match(sms.sent[0]?.text, /Your Acme Bank password was just changed/);
  t.match(outcomes[0], { type: 'SmsDispatched', purpose: 'PASSWORD_CHANGED' });
});

t.test('the same event delivered twice sends one SMS and records one outcome', async (t) => {
  const sms = recordingSms();
  const { keyPair, notify, outcomes } = notifierWith(sms);
  const message = otpIssuedMessage(keyPair.publicKey);
  await notify(message);
  await notify(message);
  t.equal(sms.sent.length, 1);
  t.equal(outcomes.length, 1);
});

t.test('after a restart, an event already sent is not sent again', async (t) => {
  const store = createSqliteViewStore({ path: ':memory:' });
  t.teardown(() => store.close());
  const keyPair = generateBoxKeyPair();
  const before = recordingSms();
  const after = recordingSms();
  const message = otpIssuedMessage(keyPair.publicKey);
  await notifierWith(before, { keyPair, store }).notify(message);
  await notifierWith(after, { keyPair, store }).notify(message);
  t.equal(before.sent.length + after.sent.length, 1);
});

t.test('a code whose challenge has expired is never sent, and that is recorded', async (t) => {
  const sms = recordingSms();
  const { keyPair, notify, outcomes } = notifierWith(sms);
  const message = otpIssuedMessage(keyPair.publicKey, { expiresAt: '2026-01-01T09:59:59.000Z' });
  await notify(message);
  t.equal(sms.sent.length, 0);
  t.same(outcomes, [
    { type: 'SmsDispatchFailed', sourceEventId: message.value.eventId, purpose: 'OTP', reason: 'EXPIRED' },
  ]);
});

t.test('a permanent refusal is not retried here, goes to the dead-letter topic and is recorded', async (t) => {
  let calls = 0;
  const sms: SmsSender = {
    async send() {
      calls += 1;
      throw new SmsDeliveryError({ kind: 'permanent', provider: 'plivo', reason: 'invalid request', status: 400 });
    },
  };
  const { keyPair, notify, deadLetters, outcomes } = notifierWith(sms);
  const message = otpIssuedMessage(keyPair.publicKey);
  await notify(message);
  await notify(message);
  t.equal(calls, 1, 'redelivery does not try again');
  t.match(deadLetters, [
    {
      sourceEventId: message.value.eventId,
      sourceEventType: 'OtpIssued',
      reason: 'PERMANENT',
      provider: 'plivo',
      httpStatus: 400,
    },
  ]);
  t.match(outcomes, [{ type: 'SmsDispatchFailed', reason: 'PERMANENT', httpStatus: 400 }]);
  t.notOk(JSON.stringify(deadLetters).includes('4821'), 'the dead letter holds no code');
});

t.test('a code sealed to another key is dead-lettered, not sent', async (t) => {
  const sms = recordingSms();
  const { notify, deadLetters } = notifierWith(sms);
  await notify(otpIssuedMessage(generateBoxKeyPair().publicKey));
  t.equal(sms.sent.length, 0);
  t.match(deadLetters, [{ reason: 'UNREADABLE' }]);
});

t.test(
  'a crash between the provider accepting and the record: the provider is asked, nothing is sent twice',
  async (t) => {
    const { store, keyPair, message } = await interruptedDispatch(t);
    const sms = {
      ...recordingSms(),
      async findByReference(reference: string) {
        return reference === message.value.eventId ? { providerMessageId: 'test:before-crash' } : undefined;
      },
    };
    const { notify, outcomes } = notifierWith(sms, { keyPair, store });
    await notify(message);
    t.equal(sms.sent.length, 0, 'the provider already had it');
    t.match(outcomes, [{ type: 'SmsDispatched', providerMessageId: 'before-crash' }]);
  },
);

t.test('a crash before the provider accepted: the code is sent on redelivery', async (t) => {
  const { store, keyPair, message } = await interruptedDispatch(t);
  const sms = {
    ...recordingSms(),
    async findByReference() {
      return undefined;
    },
  };
  await notifierWith(sms, { keyPair, store }).notify(message);
  t.equal(sms.sent.length, 1);
});

t.test('if recording the outcome fails, redelivery records it without sending again', async (t) => {
  const store = createSqliteViewStore({ path: ':memory:' });
  t.teardown(() => store.close());
  const keyPair = generateBoxKeyPair();
  const sms = recordingSms();
  const message = otpIssuedMessage(keyPair.publicKey);
  let recorded = 0;
  let failOnce = true;
  const notify = createSmsNotifier({
    sms,
    keyPair,
    personalData: personalDataKeys(),
    logger: createLogger('n', { level: 'silent' }),
    clock: () => new Date('2026-01-01T10:00:00.000Z'),
    messages: { brand: 'Acme' },
    ledger: createDispatchLedger(store),
    deadLetter: async () => undefined,
    recordOutcome: async () => {
      if (failOnce) {
        failOnce = false;
        throw new Error('identity unavailable');
      }
      recorded += 1;
    },
  });
  await t.rejects(notify(message));
  await notify(message);
  t.equal(sms.sent.length, 1, 'sent once');
  t.equal(recorded, 1, 'recorded on the second delivery');
});

t.test('the log says what was sent without the code or the full phone number', async (t) => {
  const sms = recordingSms();
  const { keyPair, notify, lines } = notifierWith(sms);
  await notify(otpIssuedMessage(keyPair.publicKey));
  const log = lines.join('');
  t.match(log, /sms handed to provider/);
  t.match(log, /\+33\*+78/, 'the masked destination is logged');
  t.notOk(log.includes('4821'), 'no code');
  t.notOk(log.includes('+33612345678'), 'no full phone number');
});
