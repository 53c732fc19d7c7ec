/**
 * The masked number an unknown email is answered with must look like a real
 * user's: in a French user base, a French mobile. Decoys follow the countries
 * the operator configured, else the shapes of the real numbers seen.
 */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { maskPhoneNumber } from '@tessera/contracts';
import { readEnv } from '@tessera/runtime';
import { createDecoyPhoneNumbers } from '../src/application/unknownEmailDecoys.ts';
import { readIdentitySettings } from '../src/identityEnv.ts';

const keys = Array.from({ length: 1000 }, (_, index) => `client-a|nobody.${index}@example.com`);
const shape = (number: string) => maskPhoneNumber(number).replace(/\d\d$/, '##');
const share = (numbers: string[], predicate: (number: string) => boolean) =>
  numbers.filter(predicate).length / numbers.length;

t.test('with the countries configured, decoys are mobiles of those countries in their proportions', async (t) => {
  const decoys = createDecoyPhoneNumbers(randomBytes(32), [
    { region: 'FR', weight: 3 },
    { region: 'BE', weight: 1 },
  ]);
  const numbers = keys.map((key) => decoys.numberFor(key));
  t.ok(
    numbers.every((number) => /^\+336\d{8}$/.test(number) || /^\+324\d{8}$/.test(number)),
    'French or Belgian mobiles',
  );
  const french = share(numbers, (number) => number.startsWith('+33'));
  t.ok(french > 0.7 && french < 0.8, `about three in four are French (${french})`);
  t.same(
    keys.map((key) => decoys.numberFor(key)),
    numbers,
    'the same key always gets the same number',
  );
});

t.test('unconfigured, decoys take the shapes of the real numbers seen, once enough are seen', async (t) => {
  const decoys = createDecoyPhoneNumbers(randomBytes(32));
  const before = keys.map((key) => decoys.numberFor(key));
  t.ok(share(before, (number) => number.startsWith('+33')) < 0.5, 'before: a spread of European mobiles');
  for (let index = 0; index < 90; index += 1) decoys.observe(`+3361234${String(index).padStart(4, '0')}`);
  for (let index = 0; index < 10; index += 1) decoys.observe(`+4915123${String(index).padStart(6, '0')}`);
  const after = keys.map((key) => decoys.numberFor(key));
  const french = share(after, (number) => shape(number) === shape('+33612345678'));
  const german = share(after, (number) => shape(number) === shape('+4915123456789'));
  t.ok(french > 0.85 && french < 0.95, `about nine in ten look like the French numbers (${french})`);
  t.ok(german > 0.05 && german < 0.15, `about one in ten like the German ones (${german})`);
  t.equal(french + german, 1, 'no other shape appears');
});

t.test('DECOY_PHONE_COUNTRIES is read with weights, and a wrong entry is reported at start', async (t) => {
  const read = readEnv({ DECOY_PHONE_COUNTRIES: 'FR:70, be:30' });
  t.same(readIdentitySettings(read).identity.decoyPhoneCountries, [
    { region: 'FR', weight: 70 },
    { region: 'BE', weight: 30 },
  ]);
  const wrong = readEnv({ DECOY_PHONE_COUNTRIES: 'FR,Atlantis:2' });
  readIdentitySettings(wrong);
  t.throws(() => wrong.done(), /DECOY_PHONE_COUNTRIES takes ISO 3166 regions/);
});
