/**
 * Phone numbers: the `e164` format the OpenAPI document names is what the
 * gateway checks. A number that cannot receive the SMS code is refused at
 * validation with INVALID_PHONE_NUMBER, and identity stores the E.164 form.
 */
import t from 'tap';
import type { IdentityCommand } from '@tessera/contracts';
import { smsPhoneNumber } from '../src/schemaFormats.ts';
import { gatewayWithFakeIdentity } from './fakeIdentityGateway.ts';

const registered = (command: IdentityCommand) => {
  if (command.type !== 'RegisterUser') return { ok: false as const, error: 'INTERNAL' as const };
  return {
    ok: true as const,
    data: {
      userId: 'u-1',
      accountId: 'a-1',
      email: command.payload.email,
      phoneNumber: command.payload.phoneNumber,
      roles: ['USER'],
    },
  };
};

t.test('numbers that can receive an SMS pass, in their E.164 form', async (t) => {
  t.equal(smsPhoneNumber('+33612345678'), '+33612345678', 'a French mobile');
  t.equal(smsPhoneNumber('+447911123456'), '+447911123456', 'a British mobile');
  t.equal(
    smsPhoneNumber('+12025550123'),
    '+12025550123',
    'a North American number: fixed line or mobile, the plan cannot tell',
  );
  t.equal(smsPhoneNumber('+330612345678'), '+33612345678', 'the national trunk 0 after the country code is dropped');
});

t.test('numbers that cannot receive the code are refused', async (t) => {
  for (const [number, why] of [
    ['+10212345678', 'no North American area code starts with 0'],
    ['+15550001111', 'not a valid number'],
    ['+33123456789', 'a French fixed line'],
    ['+33899123456', 'a premium-rate number'],
    ['+18005550123', 'a toll-free number'],
    ['+3361234567', 'too short for France'],
    ['+33 612345678', 'not E.164: a space'],
    ['+33612345678\u0000', 'not E.164: a trailing NUL the parser would forgive'],
    ['0612345678', 'not E.164: a national number'],
  ] as const) {
    t.equal(smsPhoneNumber(number), undefined, why);
  }
});

t.test(
  'sign-up refuses a number that cannot receive the code with INVALID_PHONE_NUMBER, before identity is asked',
  async (t) => {
    const gateway = await gatewayWithFakeIdentity(registered);
    t.teardown(() => gateway.close());
    for (const phoneNumber of ['+10212345678', '+33123456789', '+33899123456']) {
      const answer = await gateway.app.inject({
        method: 'POST',
        url: '/v1/user/sign-up',
        headers: { authorization: `Bearer ${gateway.clientToken()}` },
        payload: { phoneNumber, email: 'ada@example.com', password: 'correct horse battery' },
      });
      t.equal(answer.statusCode, 400, phoneNumber);
      t.equal(answer.json().errorCode, 3005);
    }
    t.equal(gateway.sent.length, 0, 'identity never saw them');
  },
);

t.test('sign-up hands identity the E.164 form, and answers with it', async (t) => {
  const gateway = await gatewayWithFakeIdentity(registered);
  t.teardown(() => gateway.close());
  const answer = await gateway.app.inject({
    method: 'POST',
    url: '/v1/user/sign-up',
    headers: { authorization: `Bearer ${gateway.clientToken()}` },
    payload: { phoneNumber: '+330612345678', email: 'ada@example.com', password: 'correct horse battery' },
  });
  t.equal(answer.statusCode, 200);
  t.equal(answer.json().data.phoneNumber, '+33612345678');
  const [command] = gateway.sent;
  t.equal(
    command?.type === 'RegisterUser' ? command.payload.phoneNumber : undefined,
    '+33612345678',
    'stored normalised, so one phone is one user however it is typed',
  );
});
