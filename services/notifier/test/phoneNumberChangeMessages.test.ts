/**
 * A phone number change's SMS: the step-up code (to the current phone) says
 * where the number moves, the new number's code says what it proves, and the
 * number given up is told where the number went.
 */
import t from 'tap';
import { otpText, phoneNumberChangedText } from '../src/index.ts';

const brand = { brand: 'Tessera' };

t.test('the step-up code for a change names the new number by its last four digits', async (t) => {
  const stepUp = { action: 'CHANGE_PHONE_NUMBER', destinationHint: '…5678' };
  t.equal(
    otpText('en', 'STEP_UP', '4821', 5, brand, stepUp),
    'Tessera: code 4821 to change your phone number to …5678. Never share it.',
  );
  t.equal(
    otpText('fr', 'STEP_UP', '4821', 5, brand, stepUp),
    'Tessera : code 4821 pour remplacer votre numéro de téléphone par …5678. Ne le communiquez jamais.',
  );
});

t.test("the new number's code says it makes this the account's number", async (t) => {
  t.equal(
    otpText('en', 'PHONE_NUMBER_CHANGE', '4821', 5, brand),
    '4821 is your Tessera code to make this your phone number. It expires in 5 min. Never share it.',
  );
  t.equal(
    otpText('fr', 'PHONE_NUMBER_CHANGE', '4821', 5, brand),
    '4821 est votre code Tessera pour faire de ce numéro le vôtre. Il expire dans 5 min. Ne le communiquez jamais.',
  );
});

t.test('the number given up is told where the number moved', async (t) => {
  t.equal(
    phoneNumberChangedText('en', '…5678', brand),
    'Your Tessera phone number was changed to …5678. If this was not you, contact support now.',
  );
  t.equal(
    phoneNumberChangedText('fr', '…5678', brand),
    "Le numéro de téléphone de votre compte Tessera a été remplacé par …5678. Si ce n'est pas vous, contactez le support sans attendre.",
  );
});
