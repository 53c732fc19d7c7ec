/**
 * A phone number change over a fake identity: the new number with the
 * password or a step-up token, the command identity receives, and the answer
 * of the new number's code.
 */
import t from 'tap';
import type { StepUpVerified } from '@tessera/contracts';
import { gatewayWithFakeIdentity } from '../fakeIdentityGateway.ts';
import {
  assertError,
  assertRefusalsMapped,
  assertSchemaRefusal,
  assertUserTokenRequired,
  bearer,
  lastCommand,
  refused,
  type Request,
} from './routeChecks.ts';

const gateway = await gatewayWithFakeIdentity();
t.teardown(() => gateway.close());

const post = (url: string, payload: object, token: string): Request => ({
  method: 'POST',
  url,
  headers: { ...bearer(token), 'x-correlation-id': 'phone-change-0001' },
  payload,
});
const challenge = {
  sessionId: 'p1',
  challengeType: 'SMS_OTP',
  codeDeliveryDestination: '+33******21',
  expiresIn: 300,
};
const newNumber = '+33687654321';
const withPassword = { phoneNumber: newNumber, password: 'correct horse battery' };
const change = (payload: object = withPassword, token = gateway.userToken()) =>
  post('/v1/user/phone-number', payload, token);

/** A step-up token for a phone number change. */
const stepUpToken = (verified: Partial<StepUpVerified> = {}) =>
  gateway.stepUpToken({ action: 'CHANGE_PHONE_NUMBER', ...verified });

t.test('POST /v1/user/phone-number', async (t) => {
  t.test('a body of neither shape, or a number that cannot receive SMS, is refused before identity', async (t) => {
    await assertSchemaRefusal(t, gateway, change({ phoneNumber: newNumber }));
    await assertSchemaRefusal(t, gateway, change({ password: 'correct horse battery' }));
    await assertSchemaRefusal(t, gateway, change({ ...withPassword, stepUpToken: 'a.b.c' }));
    for (const phoneNumber of ['0612345678', '+33123'])
      await assertSchemaRefusal(t, gateway, change({ ...withPassword, phoneNumber }), 'INVALID_PHONE_NUMBER');
  });

  t.test('a user token of a live login is required', async (t) => {
    await assertUserTokenRequired(t, gateway, change());
  });

  t.test('sends the normalised number for the token’s user and login, the password sealed', async (t) => {
    gateway.answer(() => ({ ok: true, data: challenge }));
    const answer = await gateway.app.inject(change({ ...withPassword, phoneNumber: '+330687654321' }));
    t.equal(answer.statusCode, 200);
    t.equal(answer.headers['cache-control'], 'no-store');
    t.same(answer.json().data, challenge);
    const command = lastCommand(gateway);
    t.match(command, {
      type: 'StartPhoneNumberChange',
      metadata: { correlationId: 'phone-change-0001', clientId: 'acme' },
      payload: { userId: 'u1', familyId: 'f1', phoneNumber: newNumber, sealedSecrets: String },
    });
    t.notOk(command?.type === 'StartPhoneNumberChange' && command.payload.stepUp, 'no step-up beside the password');
    const sealed = command?.type === 'StartPhoneNumberChange' ? (command.payload.sealedSecrets ?? '') : '';
    t.same(gateway.unseal(sealed), { password: 'correct horse battery' }, 'the password, for identity alone');
  });

  t.test('a step-up token stands for the password: identity gets its step-up and token ids', async (t) => {
    const token = await stepUpToken();
    gateway.answer(() => ({ ok: true, data: challenge }));
    const answer = await gateway.app.inject(change({ phoneNumber: newNumber, stepUpToken: token }));
    t.equal(answer.statusCode, 200);
    t.match(lastCommand(gateway), {
      type: 'StartPhoneNumberChange',
      payload: { userId: 'u1', familyId: 'f1', phoneNumber: newNumber, stepUp: { stepUpId: 'su1', tokenId: 't1' } },
    });
  });

  t.test("another user's step-up token, or no token at all, is refused before identity", async (t) => {
    const othersToken = await stepUpToken({ userId: 'u2' });
    const before = gateway.sent.length;
    for (const stepUpToken of [othersToken, 'not.a.token']) {
      const request = change({ phoneNumber: newNumber, stepUpToken });
      assertError(t, gateway, request, await gateway.app.inject(request), 'STEP_UP_TOKEN_INVALID');
    }
    t.equal(gateway.sent.length, before, 'identity is not asked');
  });

  t.test('identity’s refusals are answered with their catalogued status and envelope', async (t) => {
    await assertRefusalsMapped(t, gateway, change(), [
      'INVALID_CREDENTIALS',
      'ACCOUNT_LOCKED',
      'LOGIN_TEMPORARILY_LOCKED',
      'PHONE_NUMBER_TAKEN',
      'PHONE_NUMBER_UNCHANGED',
      'DEPENDENCY_UNAVAILABLE',
    ]);
    const token = await stepUpToken();
    await assertRefusalsMapped(t, gateway, change({ phoneNumber: newNumber, stepUpToken: token }), [
      'STEP_UP_TOKEN_ALREADY_USED',
      'STEP_UP_TOKEN_EXPIRED',
      'STEP_UP_TOKEN_REVOKED',
      'STEP_UP_ACTION_MISMATCH',
      'STEP_UP_TRANSACTION_MISMATCH',
    ]);
  });
});

t.test('POST /v1/user/otp on a phone number change answers the new number', async (t) => {
  const body = { sessionId: 'p1', username: 'ada@example.com', challengeType: 'SMS_OTP', code: '4821' };
  const verify = post('/v1/user/otp', body, gateway.clientToken());
  gateway.answer(() => ({ ok: true, data: { purpose: 'PHONE_NUMBER_CHANGE', userId: 'u1', phoneNumber: newNumber } }));
  const answer = await gateway.app.inject(verify);
  t.equal(answer.statusCode, 200);
  t.same(answer.json().data, { userId: 'u1', phoneNumberChanged: true, phoneNumber: newNumber });
  await assertRefusalsMapped(t, gateway, verify, ['PHONE_NUMBER_TAKEN']);
});

t.test('POST /v1/user/step-up in the cooling-off says when to come back', async (t) => {
  const withdrawal = { amount: '150', currency: 'EUR', destination: 'FR7630006000011234567890189' };
  const request = post(
    '/v1/user/step-up',
    { password: 'correct horse battery', action: 'WITHDRAW', transaction: withdrawal },
    gateway.userToken(),
  );
  gateway.answer(() => refused('STEP_UP_COOLING_OFF', 3600));
  const answer = await gateway.app.inject(request);
  assertError(t, gateway, request, answer, 'STEP_UP_COOLING_OFF');
  t.equal(answer.headers['retry-after'], '3600');
});

t.test('POST /v1/user/step-up for a phone number change binds the normalised new number', async (t) => {
  gateway.answer(() => ({ ok: true, data: challenge }));
  const body = {
    password: 'correct horse battery',
    action: 'CHANGE_PHONE_NUMBER',
    transaction: { destination: '+330687654321' },
  };
  t.equal((await gateway.app.inject(post('/v1/user/step-up', body, gateway.userToken()))).statusCode, 200);
  t.match(lastCommand(gateway), { payload: { transaction: { destination: newNumber } } });
  const notANumber = { ...body, transaction: { destination: 'FR7630006000011234567890189' } };
  await assertSchemaRefusal(t, gateway, post('/v1/user/step-up', notANumber, gateway.userToken()));
});
