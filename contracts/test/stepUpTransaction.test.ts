/** The canonical transaction: one transaction, one hash, whoever computes it; any change, another hash. */
import t from 'tap';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  canonicalStepUpTransaction,
  normaliseAmount,
  stepUpDestinationHint,
  stepUpTransactionHash,
  stepUpTransactionViolation,
  type StepUpTransaction,
} from '@tessera/contracts';

const withdrawal: StepUpTransaction = { amount: '150.00', currency: 'EUR', destination: 'FR7630006000011234567890189' };

const integerPart = fc.oneof(fc.constant('0'), fc.stringMatching(/^[1-9][0-9]{0,17}$/));
const fractionPart = fc.stringMatching(/^[0-9]{1,16}$/);
const amount = fc
  .tuple(integerPart, fc.option(fractionPart, { nil: undefined }))
  .map(([whole, fraction]) => (fraction === undefined ? whole : `${whole}.${fraction}`));
const currency = fc.stringMatching(/^[A-Z0-9]{3,10}$/);
const destination = fc.stringMatching(/^[A-Za-z0-9 ._-]{1,60}$/);
const transaction = fc.record({ amount, currency, destination });

t.test('the canonical form: keys in a fixed order, the amount normalised, the destination in NFC', async (t) => {
  t.equal(
    canonicalStepUpTransaction({ destination: 'Cafe\u0301', currency: 'EUR', amount: '150.50' }),
    '{"amount":"150.5","currency":"EUR","destination":"Café"}',
  );
  t.equal(canonicalStepUpTransaction({ destination: 'IBAN' }), '{"destination":"IBAN"}', 'absent fields are left out');
  t.equal(
    stepUpTransactionHash(withdrawal),
    createHash('sha256')
      .update('{"amount":"150","currency":"EUR","destination":"FR7630006000011234567890189"}')
      .digest('base64url'),
    'the hash is base64url SHA-256 of the canonical UTF-8 bytes',
  );
});

t.test('trailing fractional zeros and a bare point make no other amount', async (t) => {
  t.equal(normaliseAmount('150.00'), '150');
  t.equal(normaliseAmount('150.0'), '150');
  t.equal(normaliseAmount('150.10'), '150.1');
  t.equal(normaliseAmount('0.000'), '0');
  t.equal(normaliseAmount('100'), '100', 'zeros before the point stay');
  fc.assert(
    fc.property(transaction, fc.integer({ min: 1, max: 2 }), (base, zeros) => {
      const padded = base.amount.includes('.') ? base.amount : `${base.amount}.`;
      const same = { ...base, amount: `${padded}${'0'.repeat(zeros)}` };
      return stepUpTransactionHash(same) === stepUpTransactionHash(base);
    }),
  );
});

t.test('any field changed changes the hash', async (t) => {
  fc.assert(
    fc.property(transaction, transaction, (one, other) => {
      for (const field of ['amount', 'currency', 'destination'] as const) {
        const changed = { ...one, [field]: other[field] };
        const sameValue =
          field === 'amount'
            ? normaliseAmount(one.amount) === normaliseAmount(other.amount)
            : one[field] === other[field];
        if (!sameValue && stepUpTransactionHash(changed) === stepUpTransactionHash(one)) return false;
      }
      return true;
    }),
  );
  t.not(
    stepUpTransactionHash({ currency: 'EUR', destination: 'A' }),
    stepUpTransactionHash({ currency: 'EU', destination: 'RA' }),
    'fields cannot bleed into one another',
  );
});

t.test('each action takes exactly its fields, each in its form', async (t) => {
  t.equal(stepUpTransactionViolation('WITHDRAW', withdrawal), undefined);
  t.equal(stepUpTransactionViolation('CONVERT', withdrawal), undefined);
  t.equal(stepUpTransactionViolation('ADD_BENEFICIARY', { destination: 'FR76…' }), undefined);
  t.match(stepUpTransactionViolation('WITHDRAW', { amount: '1', currency: 'EUR' }), /needs transaction.destination/);
  t.match(stepUpTransactionViolation('WITHDRAW', undefined), /needs transaction.amount/);
  t.match(stepUpTransactionViolation('ADD_BENEFICIARY', withdrawal), /takes no transaction.amount/);
  t.match(stepUpTransactionViolation('TELEPORT', withdrawal), /unknown action/);
  t.match(stepUpTransactionViolation('toString', withdrawal), /unknown action/, 'only own names are actions');
  for (const bad of ['01', '1.', '.5', '-1', '1e3', '1,5', '1234567890123456789', `1.${'1'.repeat(19)}`])
    t.match(stepUpTransactionViolation('WITHDRAW', { ...withdrawal, amount: bad }), /amount/, `amount ${bad}`);
  for (const bad of ['eur', 'EU', 'EUR-1', 'ABCDEFGHIJK'])
    t.match(stepUpTransactionViolation('WITHDRAW', { ...withdrawal, currency: bad }), /currency/, `currency ${bad}`);
  for (const bad of ['', 'a\nb', 'a\u0000', 'x\u200b', 'y'.repeat(201)])
    t.match(
      stepUpTransactionViolation('WITHDRAW', { ...withdrawal, destination: bad }),
      /destination/,
      `destination ${JSON.stringify(bad)}`,
    );
  t.equal(stepUpTransactionViolation('WITHDRAW', { ...withdrawal, destination: '€'.repeat(200) }), undefined);
});

t.test('the SMS shows the destination by its last four characters', async (t) => {
  t.equal(stepUpDestinationHint('FR7630006000011234567890189f3a'), '…9f3a');
  t.equal(stepUpDestinationHint('ab'), '…ab');
  t.equal(stepUpDestinationHint('wallet 🦊🦊🦊🦊'), '…🦊🦊🦊🦊', 'characters, not UTF-16 units');
});

t.test('the hash a downstream service computes from the documented recipe is the same', async (t) => {
  const guide = readFileSync(new URL('../../docs/downstream-consumers.md', import.meta.url), 'utf8');
  const recipe = /## Step-up tokens[\s\S]*?```js\n([\s\S]*?)```/.exec(guide)?.[1] ?? '';
  const body = recipe.replace(/^import .*$/m, '');
  const documented = new Function('createHash', `${body}\nreturn txn;`)(createHash) as (
    transaction: StepUpTransaction,
  ) => string;
  fc.assert(fc.property(transaction, (one) => documented(one) === stepUpTransactionHash(one)));
  t.equal(documented({ destination: 'Cafe\u0301' }), stepUpTransactionHash({ destination: 'Café' }));
});
