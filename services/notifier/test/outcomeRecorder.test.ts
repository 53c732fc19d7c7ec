import t from 'tap';
import { generateBoxKeyPair } from '@tessera/crypto';
import { createLogger } from '@tessera/logging';
import { createSqliteViewStore } from '@tessera/read-models';
import type { SmsMessage, SmsSender } from '@tessera/sms';
import { eventually } from '@tessera/testing';
import {
  createDispatchLedger,
  createOutcomeRecorder,
  createSmsNotifier,
  recoverUnrecordedOutcomes,
  type SmsOutcome,
} from '../src/index.ts';
import { otpIssuedMessage, personalDataKeys } from './support.ts';

const silent = createLogger('n', { level: 'silent' });

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
  'the next code is sent while identity has not answered for the previous one, and both outcomes are recorded',
  async (t) => {
    const store = createSqliteViewStore({ path: ':memory:' });
    t.teardown(() => store.close());
    const keyPair = generateBoxKeyPair();
    const sms = recordingSms();
    const outcomes: SmsOutcome[] = [];
    let answer: (() => void) | undefined;
    const identityAnswers = new Promise<void>((resolve) => {
      answer = resolve;
    });
    const recordOutcome = async (_userId: string, outcome: SmsOutcome) => {
      await identityAnswers;
      outcomes.push(outcome);
    };
    const recorder = createOutcomeRecorder({ logger: silent });
    const notify = createSmsNotifier({
      sms,
      keyPair,
      personalData: personalDataKeys(),
      logger: silent,
      clock: () => new Date('2026-01-01T10:00:00.000Z'),
      messages: { brand: 'Acme' },
      ledger: createDispatchLedger(store),
      deadLetter: async () => undefined,
      recordOutcome,
      recorder,
    });
    await notify(otpIssuedMessage(keyPair.publicKey, { eventId: 'evt-1' }));
    await notify(otpIssuedMessage(keyPair.publicKey, { eventId: 'evt-2' }));
    t.equal(sms.sent.length, 2, 'both codes handed to the provider before identity answered');
    t.equal(outcomes.length, 0);
    t.equal(recorder.pending, 2);
    answer!();
    await eventually('every outcome recorded', () => recorder.pending === 0);
    t.same(outcomes.map((outcome) => outcome.sourceEventId).sort(), ['evt-1', 'evt-2']);
    t.same(await createDispatchLedger(store).unrecorded(), [], 'nothing left awaiting its record');
    await recorder.stop();
  },
);

t.test('a failed record is retried until identity takes it', async (t) => {
  const store = createSqliteViewStore({ path: ':memory:' });
  t.teardown(() => store.close());
  const keyPair = generateBoxKeyPair();
  let failures = 3;
  const outcomes: SmsOutcome[] = [];
  const recorder = createOutcomeRecorder({ logger: silent, initialDelayMs: 1 });
  const notify = createSmsNotifier({
    sms: recordingSms(),
    keyPair,
    personalData: personalDataKeys(),
    logger: silent,
    clock: () => new Date('2026-01-01T10:00:00.000Z'),
    messages: { brand: 'Acme' },
    ledger: createDispatchLedger(store),
    deadLetter: async () => undefined,
    recorder,
    recordOutcome: async (_userId, outcome) => {
      if (failures-- > 0) throw new Error('identity unavailable');
      outcomes.push(outcome);
    },
  });
  await notify(otpIssuedMessage(keyPair.publicKey));
  await eventually('every outcome recorded', () => recorder.pending === 0);
  t.equal(outcomes.length, 1, 'recorded once, after three failures');
  await recorder.stop();
});

t.test(
  'an outcome left unrecorded when the notifier stopped is recorded at the next start, and the code is not sent again',
  async (t) => {
    const store = createSqliteViewStore({ path: ':memory:' });
    t.teardown(() => store.close());
    const keyPair = generateBoxKeyPair();
    const sms = recordingSms();
    const message = otpIssuedMessage(keyPair.publicKey);
    const personalData = personalDataKeys();
    const first = createOutcomeRecorder({ logger: silent });
    const notify = createSmsNotifier({
      sms,
      keyPair,
      personalData,
      logger: silent,
      clock: () => new Date('2026-01-01T10:00:00.000Z'),
      messages: { brand: 'Acme' },
      ledger: createDispatchLedger(store),
      deadLetter: async () => undefined,
      recorder: first,
      recordOutcome: () => new Promise(() => undefined), // identity never answers before the stop
    });
    await notify(message);
    await first.stop(10);
    t.equal(sms.sent.length, 1);

    const outcomes: SmsOutcome[] = [];
    const ledger = createDispatchLedger(store);
    const second = createOutcomeRecorder({ logger: silent });
    const recordOutcome = async (_userId: string, outcome: SmsOutcome) => void outcomes.push(outcome);
    t.equal(await recoverUnrecordedOutcomes({ ledger, recordOutcome, recorder: second }), 1, 'one outcome to recover');
    await eventually('every outcome recorded', () => second.pending === 0);
    t.match(outcomes, [{ type: 'SmsDispatched', sourceEventId: message.value.eventId, providerMessageId: 'm1' }]);
    t.equal(await ledger.state(message.value.eventId), 'recorded');
    // The same event delivered again (its offset not committed before the stop) sends nothing more.
    const again = createSmsNotifier({
      sms,
      keyPair,
      personalData,
      logger: silent,
      clock: () => new Date('2026-01-01T10:00:00.000Z'),
      messages: { brand: 'Acme' },
      ledger,
      deadLetter: async () => undefined,
      recorder: second,
      recordOutcome,
    });
    await again(message);
    t.equal(sms.sent.length, 1, 'not sent twice');
    t.equal(outcomes.length, 1, 'not recorded twice');
    await second.stop();
  },
);
