/**
 * What an auditor is shown of an event's personal fields: opened with a
 * credential, marked without one or after erasure, and never the secrets
 * (password hashes, sealed SMS, a transaction's hash) whatever the credential.
 */
import t from 'tap';
import { describeEvent } from '../../src/history/eventDescriptions.ts';
import { openPersonalFields, shownFields, type Disclosure } from '../../src/history/personalFields.ts';

const transaction = '{"amount":"150.00","currency":"EUR","to":"FR7630006000011234567890189"}';
const stored = {
  type: 'StepUpRequested',
  data: {
    userId: 'u1',
    stepUpId: 's1',
    action: 'WITHDRAW',
    transactionHash: 'pd1.hash-ciphertext',
    transaction: 'pd1.transaction-ciphertext',
    familyId: 'f1',
    clientId: 'acme-bank',
  },
};
const registered = {
  type: 'UserRegistered',
  data: {
    userId: 'u1',
    email: 'pd1.a',
    phoneNumber: 'pd1.b',
    passwordHash: 'pd1.c',
    roles: ['USER'],
    clientId: 'acme-bank',
  },
};
const opened: Record<string, string> = {
  transaction,
  transactionHash: 'q1w2e3',
  email: 'ada@example.com',
  phoneNumber: '+33612345678',
  passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$salt$hash',
};
const decrypted: Disclosure = {
  kind: 'decrypted',
  reader: {
    async reveal(_type, data) {
      const revealed = { ...data };
      for (const field of Object.keys(data)) if (field in opened) revealed[field] = opened[field];
      return { data: revealed, erased: false };
    },
  },
};

t.test('with a credential, the transaction and the email show; the hashes never do', async (t) => {
  const stepUp = await openPersonalFields(stored, decrypted);
  t.equal(describeEvent(stored.type, stepUp), `step-up asked for WITHDRAW on transaction ${transaction}`);
  t.notOk('transactionHash' in shownFields(stepUp), 'the transaction hash is not shown');
  const user = await openPersonalFields(registered, decrypted);
  t.match(describeEvent(registered.type, user), /signed up with email ada@example\.com, phone number \+33612345678/);
  t.notOk(JSON.stringify(shownFields(user)).includes('argon2'), 'the password hash is not shown');
});

t.test('without one, personal fields read [encrypted]; after erasure, [erased]', async (t) => {
  const hidden = await openPersonalFields(stored, { kind: 'encrypted' });
  t.equal(describeEvent(stored.type, hidden), 'step-up asked for WITHDRAW on transaction [encrypted]');
  const erased = await openPersonalFields(registered, { kind: 'erased' });
  t.same(shownFields(erased), {
    userId: 'u1',
    email: '[erased]',
    phoneNumber: '[erased]',
    roles: ['USER'],
    clientId: 'acme-bank',
  });
});

t.test('a key found gone while reading marks the fields erased', async (t) => {
  const gone: Disclosure = {
    kind: 'decrypted',
    reader: { reveal: async (_type, data) => ({ data: { ...data, email: '', phoneNumber: '' }, erased: true }) },
  };
  t.match(await openPersonalFields(registered, gone), { email: '[erased]', phoneNumber: '[erased]' });
});

t.test('an event type this build does not know is told by its visible fields', async (t) => {
  t.equal(
    describeEvent('SomethingNew', { userId: 'u1', colour: 'blue', secretHash: 'x' }),
    'SomethingNew (colour "blue")',
  );
});
