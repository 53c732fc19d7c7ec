/**
 * The one window no provider call can close: the notifier dies after Plivo
 * accepted an SMS and before the dispatch was recorded. Plivo cannot be asked
 * "did you get reference X?", so the redelivered event sends once more: at
 * most one duplicate (docs/sms-delivery.md).
 */
import t from 'tap';
import { createSqliteViewStore } from '@tessera/read-models';
import { createPlivoSms } from '@tessera/sms';
import { createFakePlivo } from '@tessera/sms/testing';
import { createDispatchLedger } from '../src/index.ts';
import { notifierWith, otpIssuedMessage } from './support.ts';

t.test(
  'killed after Plivo accepted but before the ledger write: at most one duplicate, then never again',
  async (t) => {
    const plivo = await createFakePlivo();
    t.teardown(() => plivo.close());
    const store = createSqliteViewStore({ path: ':memory:' });
    t.teardown(() => store.close());
    const sms = createPlivoSms({
      authId: plivo.authId,
      authToken: plivo.authToken,
      source: { src: 'TESSERA' },
      apiUrl: plivo.url,
    });
    const first = notifierWith(sms, { store });
    const message = otpIssuedMessage(first.keyPair.publicKey);

    // The process that died: intent written, Plivo accepted, then nothing.
    await createDispatchLedger(store).begin(message.value.eventId, message.value.position);
    await sms.send({ to: '+33612345678', text: 'the first copy', reference: message.value.eventId });

    const restarted = notifierWith(sms, { store, keyPair: first.keyPair });
    await restarted.notify(message);
    await restarted.notify(message);
    t.equal(plivo.received.length, 2, 'the redelivered event sent one more copy, and only one');
    t.equal(restarted.outcomes.length, 1, 'one dispatch recorded');
  },
);
