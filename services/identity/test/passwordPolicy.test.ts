/** The password rule: 8 to 128 code points, no composition rules, and not on the breached list in any case or Unicode form. */
import t from 'tap';
import { foldPassword, passwordPolicyViolation } from '../src/domain/passwordPolicy.ts';

const breached = new Set(['password1', 'crème brûlée', 'abc1234']);
const isBreached = (folded: string) => breached.has(folded);

t.test('a long enough password that is not on the list passes, whatever it is made of', async (t) => {
  for (const password of ['a long passphrase', 'aaaaaaaa', '🔑🔑🔑🔑🔑🔑🔑🔑', 'x'.repeat(128)]) {
    t.equal(passwordPolicyViolation(password, isBreached), undefined, password.slice(0, 20));
  }
});

t.test('a listed password is refused in any letter case and in either Unicode form', async (t) => {
  for (const password of ['password1', 'PassWord1', 'PASSWORD1', 'CRÈME BRÛLÉE', 'cre\u0300me bru\u0302le\u0301e']) {
    t.equal(passwordPolicyViolation(password, isBreached), 'PASSWORD_BREACHED', password);
  }
  t.equal(foldPassword('Cre\u0300me'), 'crème', 'folding composes (NFC) and lowers the case');
});

t.test('length is checked first: a short or overlong password is a length error, listed or not', async (t) => {
  t.equal(passwordPolicyViolation('abc1234', isBreached), 'PASSWORD_POLICY', 'seven characters, though listed');
  t.equal(passwordPolicyViolation('x'.repeat(129), isBreached), 'PASSWORD_POLICY');
  t.equal(
    passwordPolicyViolation('short', () => {
      throw new Error('the list is not asked');
    }),
    'PASSWORD_POLICY',
  );
});
