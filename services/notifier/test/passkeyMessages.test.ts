/** A passkey added or removed: the phone is told, in the user's language, without the credential's id. */
import t from 'tap';
import { sealJson } from '@tessera/crypto';
import { eventMessage, storedEvent } from '@tessera/testing';
import { otpText, passkeyText } from '../src/application/messages.ts';
import { encrypted, notifierWith } from './support.ts';

const brand = { brand: 'Tessera' };
const credentialId = 'kJ3q0Yv8m1xWc9a2Rr7t5u';

t.test('the notices say what happened and what to do if it was not the user, in English and in French', async (t) => {
  t.equal(
    passkeyText('en', 'ADDED', brand),
    'A passkey was just added to your Tessera account. If this was not you, remove it and contact Tessera support now.',
  );
  t.match(passkeyText('en', 'REMOVED', brand), /^A passkey was just removed from your Tessera account\./);
  t.match(passkeyText('fr', 'ADDED', brand), /^Une clé d'accès vient d'être ajoutée à votre compte Tessera\./);
  t.match(passkeyText('fr', 'REMOVED', brand), /^Une clé d'accès vient d'être supprimée de votre compte Tessera\./);
});

t.test('a step-up code for a new passkey states it', async (t) => {
  const stepUp = { action: 'MANAGE_PASSKEYS' };
  t.equal(otpText('en', 'STEP_UP', '4821', 5, brand, stepUp), 'Tessera: code 4821 to add a passkey. Never share it.');
  t.match(otpText('fr', 'STEP_UP', '4821', 5, brand, stepUp), /pour ajouter une clé d'accès/);
});

for (const type of ['PasskeyRegistered', 'PasskeyRemoved'] as const) {
  t.test(`a ${type} is sent once to the phone sealed in it, naming no credential`, async (t) => {
    const sent: Array<{ to: string; text: string }> = [];
    const sms = {
      send: async (message: { to: string; text: string }) => (sent.push(message), { providerMessageId: 'test:m1' }),
    };
    const { keyPair, notify, personalData, outcomes } = notifierWith(sms);
    const sealedNotice = sealJson(keyPair.publicKey, { to: '+33612345678', locale: 'fr' });
    const at = '2026-01-01T10:00:00.000Z';
    const data =
      type === 'PasskeyRegistered'
        ? {
            userId: 'u1',
            credentialId,
            publicKey: 'pQECAyYgASFYIA',
            counter: 0,
            transports: ['internal'],
            clientId: 'client-1',
            registeredAt: at,
            authorisedBy: 'PASSWORD',
            sealedNotice,
          }
        : { userId: 'u1', credentialId, removedAt: at, sealedNotice };
    const message = await encrypted(personalData, eventMessage(storedEvent({ type, data })));
    t.match(message.value.data.sealedNotice, /^pd1\./, 'the sealed notice travels encrypted with the user key');
    await notify(message);
    await notify(message);
    t.equal(sent.length, 1, 'one SMS');
    t.equal(sent[0]?.to, '+33612345678');
    t.match(sent[0]?.text, type === 'PasskeyRegistered' ? /ajoutée/ : /supprimée/, 'in the language sealed');
    t.notOk(sent[0]?.text.includes(credentialId), 'the credential id is not in the SMS');
    t.match(outcomes, [{ type: 'SmsDispatched', purpose: 'PASSKEYS', sourceEventId: message.value.eventId }]);
  });
}
