/** A step-up's SMS says what the code confirms: the action, the amount and currency as signed, the destination's end. */
import t from 'tap';
import { otpText } from '../src/index.ts';
import { notifierWith, otpIssuedMessage } from './support.ts';

const brand = { brand: 'Tessera' };
const withdrawal = { action: 'WITHDRAW', amount: '150.5', currency: 'EUR', destinationHint: '…9f3a' };

t.test('each action reads as what it does, in English and in French', async (t) => {
  const text = (language: 'en' | 'fr', stepUp: typeof withdrawal | { action: string; destinationHint: string }) =>
    otpText(language, 'STEP_UP', '4821', 5, brand, stepUp);
  t.equal(text('en', withdrawal), 'Tessera: code 4821 to withdraw 150.5 EUR to …9f3a. Never share it.');
  t.equal(text('fr', withdrawal), 'Tessera : code 4821 pour retirer 150.5 EUR vers …9f3a. Ne le communiquez jamais.');
  const conversion = { ...withdrawal, action: 'CONVERT', currency: 'USDC', destinationHint: '…x7Qz' };
  t.equal(text('en', conversion), 'Tessera: code 4821 to convert 150.5 USDC to …x7Qz. Never share it.');
  t.equal(
    text('fr', conversion),
    'Tessera : code 4821 pour convertir 150.5 USDC vers …x7Qz. Ne le communiquez jamais.',
  );
  const beneficiary = { action: 'ADD_BENEFICIARY', destinationHint: '…0189' };
  t.equal(text('en', beneficiary), 'Tessera: code 4821 to add the beneficiary …0189. Never share it.');
  t.equal(text('fr', beneficiary), 'Tessera : code 4821 pour ajouter le bénéficiaire …0189. Ne le communiquez jamais.');
});

t.test('an action this notifier does not know yet still says the code confirms an operation', async (t) => {
  const stepUp = { action: 'CLOSE_ACCOUNT', destinationHint: '…0189' };
  t.equal(
    otpText('en', 'STEP_UP', '4821', 5, brand, stepUp),
    'Tessera: code 4821 to confirm an operation. Never share it.',
  );
  t.equal(
    otpText('fr', 'STEP_UP', '4821', 5, brand, { ...stepUp, action: 'constructor' }),
    'Tessera : code 4821 pour confirmer une opération. Ne le communiquez jamais.',
    'only own names are actions',
  );
});

t.test('a step-up code issued by identity is sent with its action, amount and destination', async (t) => {
  const sent: string[] = [];
  const sms = {
    send: async (message: { text: string }) => (sent.push(message.text), { providerMessageId: 'test:m1' }),
  };
  const { keyPair, notify } = notifierWith(sms);
  await notify(otpIssuedMessage(keyPair.publicKey, { purpose: 'STEP_UP', locale: 'en', stepUp: withdrawal }));
  t.same(sent, ['Acme Bank: code 4821 to withdraw 150.5 EUR to …9f3a. Never share it.']);
});
