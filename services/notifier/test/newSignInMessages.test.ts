/** A session started on a device new to the user is told by SMS, in the user's language, naming the platform only. */
import t from 'tap';
import { sealJson } from '@tessera/crypto';
import { eventMessage, storedEvent } from '@tessera/testing';
import { newSignInText } from '../src/index.ts';
import { encrypted, notifierWith } from './support.ts';

const brand = { brand: 'Tessera' };

t.test('the notice names the platform the login declared, in English and in French', async (t) => {
  t.equal(
    newSignInText('en', 'IOS', brand),
    'New sign-in to your Tessera account on an iOS device. If this was not you, reset your password now.',
  );
  t.equal(
    newSignInText('fr', 'WEB', brand),
    "Nouvelle connexion à votre compte Tessera depuis un navigateur web. Si ce n'est pas vous, changez votre mot de passe sans attendre.",
  );
});

t.test('an undeclared or unknown platform reads as a new device', async (t) => {
  t.equal(
    newSignInText('en', undefined, brand),
    'New sign-in to your Tessera account on a new device. If this was not you, reset your password now.',
  );
  t.match(newSignInText('fr', 'constructor', brand), /depuis un nouvel appareil\./, 'only own names are platforms');
});

t.test(
  'a NewDeviceSignInNoticed from identity is sent once to the phone sealed in it, and its outcome recorded',
  async (t) => {
    const sent: Array<{ to: string; text: string }> = [];
    const sms = {
      send: async (message: { to: string; text: string }) => (sent.push(message), { providerMessageId: 'test:m1' }),
    };
    const { keyPair, notify, personalData, outcomes } = notifierWith(sms);
    const sealedNotice = sealJson(keyPair.publicKey, { to: '+33612345678', locale: 'fr', platform: 'ANDROID' });
    const data = { userId: 'u1', familyId: 'f2', noticedAt: '2026-01-01T10:00:00.000Z', sealedNotice };
    const message = await encrypted(personalData, eventMessage(storedEvent({ type: 'NewDeviceSignInNoticed', data })));
    t.match(message.value.data.sealedNotice, /^pd1\./, 'the sealed notice travels encrypted with the user key');
    await notify(message);
    await notify(message);
    t.same(sent, [
      {
        to: '+33612345678',
        text: "Nouvelle connexion à votre compte Acme Bank depuis un appareil Android. Si ce n'est pas vous, changez votre mot de passe sans attendre.",
        reference: message.value.eventId,
      },
    ]);
    t.match(outcomes, [{ type: 'SmsDispatched', purpose: 'NEW_SIGN_IN', sourceEventId: message.value.eventId }]);
  },
);
