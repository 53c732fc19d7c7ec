/**
 * The gateway's schema for a new password and identity's password policy
 * count alike: a password that fits the published schema (8 to 128 code
 * points as sent, format `nfc-password`: 8 to 128 in NFC form) always passes
 * identity's length rule, so no schema-valid sign-up or reset is refused for
 * its length. Composed and decomposed text is where the two counts differ.
 */
import t from 'tap';
import fc from 'fast-check';
import { passwordLengthAllowed } from '../services/identity/src/domain/passwordPolicy.ts';
import { gatewayWithFakeIdentity } from '../services/gateway/test/fakeIdentityGateway.ts';

/** Characters whose NFC form has fewer code points (a letter and its combining accent, Hangul jamo) or more (U+FB2C, U+0344). */
const tricky = [
  'e',
  '\u0301',
  'a',
  '\u0308',
  '\u1100',
  '\u1161',
  '\u11A8',
  '\uFB2C',
  '\u0344',
  '\u{1D15E}',
  '😀',
  'é',
  'x',
  ' ',
];
/** Mostly near the bounds, where the two counts can fall on either side. */
const password = fc
  .oneof(
    fc.array(fc.constantFrom(...tricky), { minLength: 4, maxLength: 12 }),
    fc.array(fc.constantFrom(...tricky), { minLength: 120, maxLength: 140 }),
    fc.array(fc.constantFrom(...tricky), { minLength: 1, maxLength: 140 }),
  )
  .map((parts) => parts.join(''));

t.test(
  "a new password that reaches identity is one identity's length rule accepts; the rest are a schema failure, 3003",
  async (t) => {
    const gateway = await gatewayWithFakeIdentity();
    t.teardown(() => gateway.close());
    const signUp = (value: string) =>
      gateway.app.inject({
        method: 'POST',
        url: '/v1/user/sign-up',
        headers: { authorization: `Bearer ${gateway.clientToken()}` },
        payload: { phoneNumber: '+33612345678', email: 'ada@example.com', password: value },
      });
    await fc.assert(
      fc.asyncProperty(password, async (value) => {
        const before = gateway.sent.length;
        const answer = await signUp(value);
        const reachedIdentity = gateway.sent.length > before;
        if (reachedIdentity) return passwordLengthAllowed(value);
        return answer.statusCode === 400 && answer.json().errorCode === 3003;
      }),
      { numRuns: 400 },
    );

    const decomposed = 'e\u0301'.repeat(4);
    const refused = await signUp(decomposed);
    t.equal([...decomposed].length, 8, 'eight code points as sent');
    t.equal(refused.statusCode, 400, 'but four once composed: refused by the schema');
    t.equal(refused.json().errorCode, 3003);
    const accepted = await signUp('e\u0301'.repeat(8));
    t.equal(accepted.statusCode, 503, 'eight composed characters reach identity (here answering 503)');
  },
);
