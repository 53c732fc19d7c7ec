/** Recovery codes generated, or one used: the phone is told, in the user's language; a step-up for them says so. */
import t from 'tap';
import { sealJson } from '@tessera/crypto';
import { eventMessage, storedEvent } from '@tessera/testing';
import { otpText, recoveryCodesText } from '../src/application/messages.ts';
import { encrypted, notifierWith } from './support.ts';

const brand = { brand: 'Tessera' };

t.test('the notices say what happened and what to do if it was not the user, in English and in French', async (t) => {
  t.match(recoveryCodesText('en', 'GENERATED', brand), /^New Tessera recovery codes were just generated;/);
  t.match(recoveryCodesText('en', 'USED', brand), /^A Tessera recovery code was just used instead of an SMS code\./);
  t.match(recoveryCodesText('fr', 'GENERATED', brand), /^De nouveaux codes de secours Tessera/);
  t.match(recoveryCodesText('fr', 'USED', brand), /^Un code de secours Tessera vient d'être utilisé/);
});

t.test('a step-up code for new recovery codes states it', async (t) => {
  const stepUp = { action: 'MANAGE_RECOVERY_CODES' };
  t.equal(
    otpText('en', 'STEP_UP', '4821', 5, brand, stepUp),
    'Tessera: code 4821 to generate new recovery codes. Never share it.',
  );
  t.match(otpText('fr', 'STEP_UP', '4821', 5, brand, stepUp), /pour générer de nouveaux codes de secours/);
});

for (const type of ['RecoveryCodesGenerated', 'RecoveryCodeUsed'] as const) {
  t.test(`a ${type} is sent once to the phone sealed in it, and its outcome recorded`, async (t) => {
    const sent: Array<{ to: string; text: string }> = [];
    const sms = {
      send: async (message: { to: string; text: string }) => (sent.push(message), { providerMessageId: 'test:m1' }),
    };
    const { keyPair, notify, personalData, outcomes } = notifierWith(sms);
    const sealedNotice = sealJson(keyPair.publicKey, { to: '+33612345678', locale: 'en' });
    const data =
      type === 'RecoveryCodesGenerated'
        ? {
            userId: 'u1',
            codeHashes: ['h1'],
            generatedAt: '2026-01-01T10:00:00.000Z',
            authorisedBy: 'PASSWORD',
            sealedNotice,
          }
        : { userId: 'u1', sessionId: 's1', codeHash: 'h1', codesLeft: 0, sealedNotice };
    const message = await encrypted(personalData, eventMessage(storedEvent({ type, data })));
    t.match(message.value.data.sealedNotice, /^pd1\./, 'the sealed notice travels encrypted with the user key');
    await notify(message);
    await notify(message);
    t.equal(sent.length, 1, 'one SMS');
    t.equal(sent[0]?.to, '+33612345678');
    t.match(sent[0]?.text, type === 'RecoveryCodesGenerated' ? /were just generated/ : /was just used/);
    t.match(outcomes, [{ type: 'SmsDispatched', purpose: 'RECOVERY_CODES', sourceEventId: message.value.eventId }]);
  });
}
