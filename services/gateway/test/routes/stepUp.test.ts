/** Step-up over a fake identity: asking with the user token, the token a right code answers, consuming it once. */
import t from 'tap';
import type { StepUpVerified } from '@tessera/contracts';
import { gatewayWithFakeIdentity } from '../fakeIdentityGateway.ts';
import {
  assertClientTokenRequired,
  assertError,
  assertRefusalsMapped,
  assertSchemaRefusal,
  assertUserTokenRequired,
  bearer,
  lastCommand,
  type Request,
} from './routeChecks.ts';

const gateway = await gatewayWithFakeIdentity();
t.teardown(() => gateway.close());

const post = (url: string, payload: object, token: string): Request => ({
  method: 'POST',
  url,
  headers: { ...bearer(token), 'x-correlation-id': 'step-up-flow-0001' },
  payload,
});
const withdrawal = { amount: '150.00', currency: 'EUR', destination: 'FR7630006000011234567890189' };

/** A step-up token as POST /v1/user/otp answers it for a step-up identity verified. */
const stepUpToken = (verified: Partial<StepUpVerified> = {}) => gateway.stepUpToken(verified);

t.test('POST /v1/user/step-up', async (t) => {
  const body = { password: 'correct horse battery', action: 'WITHDRAW', transaction: withdrawal };
  const start = (payload: object = body) => post('/v1/user/step-up', payload, gateway.userToken());

  t.test('a body whose transaction does not fit its action is refused before identity', async (t) => {
    await assertSchemaRefusal(t, gateway, start({ ...body, transaction: { ...withdrawal, amount: undefined } }));
    await assertSchemaRefusal(t, gateway, start({ ...body, action: 'ADD_BENEFICIARY' }));
    await assertSchemaRefusal(t, gateway, start({ ...body, action: 'TELEPORT' }));
    await assertSchemaRefusal(t, gateway, start({ ...body, transaction: { ...withdrawal, amount: '1e5' } }));
    await assertSchemaRefusal(t, gateway, start({ ...body, transaction: { ...withdrawal, amount: '-1' } }));
    await assertSchemaRefusal(t, gateway, start({ ...body, transaction: { ...withdrawal, currency: 'eur' } }));
    await assertSchemaRefusal(
      t,
      gateway,
      start({ ...body, transaction: { ...withdrawal, destination: 'FR76\u0000' } }),
    );
    await assertSchemaRefusal(t, gateway, start({ ...body, transaction: { ...withdrawal, destination: '' } }));
    const { password: _password, ...withoutPassword } = body;
    await assertSchemaRefusal(t, gateway, start(withoutPassword));
  });

  t.test('a user token of a live login is required', async (t) => {
    await assertUserTokenRequired(t, gateway, start());
  });

  t.test('sends StartStepUp for the token’s user, login and client, the password sealed', async (t) => {
    const challenge = {
      sessionId: 'su1',
      challengeType: 'SMS_OTP',
      codeDeliveryDestination: '+33*******78',
      expiresIn: 300,
    };
    gateway.answer(() => ({ ok: true, data: challenge }));
    const answer = await gateway.app.inject(start());
    t.equal(answer.statusCode, 200);
    t.equal(answer.headers['cache-control'], 'no-store');
    t.same(answer.json().data, challenge);
    const command = lastCommand(gateway);
    t.match(command, {
      type: 'StartStepUp',
      metadata: { correlationId: 'step-up-flow-0001', clientId: 'acme' },
      payload: { userId: 'u1', familyId: 'f1', action: 'WITHDRAW', transaction: withdrawal, sealedSecrets: String },
    });
    const sealed = command?.type === 'StartStepUp' ? command.payload.sealedSecrets : '';
    t.same(gateway.unseal(sealed), { password: 'correct horse battery' }, 'the password, for identity alone');
  });

  t.test('a user with a passkey also gets request options, whose assertion may answer instead', async (t) => {
    const passkeyOptions = {
      challenge: 'q3Xb0Yy7Rk2v9PzL1mN4sT8wC6dF5gH0jK2lQ7eU9iA',
      timeout: 60000,
      rpId: 'app.acme-bank.example',
      allowCredentials: [{ id: 'Xv7Lq2N9pR4sT1wY8zB3cD6fG0hJ5kM', type: 'public-key', transports: ['internal'] }],
      userVerification: 'required',
    };
    const challenge = { sessionId: 'su3', challengeType: 'SMS_OTP', codeDeliveryDestination: '+33*******78' };
    gateway.answer(() => ({ ok: true, data: { ...challenge, expiresIn: 300, passkeyOptions } }));
    const answer = await gateway.app.inject(start());
    t.equal(answer.statusCode, 200);
    t.same(answer.json().data, { ...challenge, expiresIn: 300, passkeyOptions }, 'the code is still sent');
  });

  t.test('a beneficiary names only its destination', async (t) => {
    gateway.answer(() => ({
      ok: true,
      data: { sessionId: 'su2', challengeType: 'SMS_OTP', codeDeliveryDestination: '+33*******78', expiresIn: 300 },
    }));
    const beneficiary = { ...body, action: 'ADD_BENEFICIARY', transaction: { destination: 'Grace Hopper' } };
    t.equal((await gateway.app.inject(start(beneficiary))).statusCode, 200);
  });

  t.test('identity’s refusals are answered with their catalogued status and envelope', async (t) => {
    await assertRefusalsMapped(t, gateway, start(), [
      'INVALID_CREDENTIALS',
      'STEP_UP_SESSION_ENDED',
      'ACCOUNT_LOCKED',
      'LOGIN_TEMPORARILY_LOCKED',
      'DEPENDENCY_UNAVAILABLE',
    ]);
  });
});

t.test('the step-up token says what answered, after the password', async (t) => {
  const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
  const byPasskey = claimsOf(await stepUpToken({ challengeType: 'PASSKEY' }));
  t.equal(byPasskey.acr, 'urn:tessera:acr:sca', 'strong customer authentication either way');
  t.same(byPasskey.amr, ['pwd', 'pop', 'user'], 'a passkey: proof of possession of a key, user presence; no sms');
  t.same(claimsOf(await stepUpToken({ challengeType: 'SMS_OTP' })).amr, ['pwd', 'sms'], 'the SMS code');
  t.same(claimsOf(await stepUpToken()).amr, ['pwd', 'sms'], 'an identity that does not say which: the SMS code');
});

t.test('POST /v1/step-up/consume', async (t) => {
  const token = await stepUpToken();
  const consume = (payload: object = { stepUpToken: token, action: 'WITHDRAW', transaction: withdrawal }) =>
    post('/v1/step-up/consume', payload, gateway.clientToken());

  t.test('a client token with users:write is required', async (t) => {
    await assertClientTokenRequired(t, gateway, consume(), 'users:write');
  });

  t.test('anything but a step-up token of this gateway is refused before identity', async (t) => {
    const before = gateway.sent.length;
    const expiredAccess = gateway.userToken();
    for (const [other, why] of [
      ['not-a-token', 'garbage'],
      [expiredAccess, 'an access token'],
      [`${token.slice(0, -4)}AAAA`, 'a step-up token whose signature is broken'],
    ] as const) {
      const request = consume({ stepUpToken: other, action: 'WITHDRAW', transaction: withdrawal });
      assertError(t, gateway, request, await gateway.app.inject(request), 'STEP_UP_TOKEN_INVALID', why);
    }
    t.equal(gateway.sent.length, before, 'identity is not asked');
  });

  t.test('sends ConsumeStepUp with the token’s user, step-up and id, and the caller’s transaction', async (t) => {
    gateway.answer(() => ({ ok: true, data: { userId: 'u1', stepUpId: 'su1', tokenId: 't1', consumed: true } }));
    const answer = await gateway.app.inject(consume());
    t.equal(answer.statusCode, 200);
    t.same(answer.json().data, { userId: 'u1', tokenId: 't1', action: 'WITHDRAW', consumed: true });
    t.match(lastCommand(gateway), {
      type: 'ConsumeStepUp',
      metadata: { clientId: 'acme' },
      payload: { userId: 'u1', stepUpId: 'su1', tokenId: 't1', action: 'WITHDRAW', transaction: withdrawal },
    });
  });

  t.test('an expired token still reaches identity, which says it expired', async (t) => {
    const expired = await stepUpToken({ expiresAt: new Date(Date.now() - 1000).toISOString() });
    gateway.answer(() => ({ ok: false, error: 'STEP_UP_TOKEN_EXPIRED' }));
    const request = consume({ stepUpToken: expired, action: 'WITHDRAW', transaction: withdrawal });
    assertError(t, gateway, request, await gateway.app.inject(request), 'STEP_UP_TOKEN_EXPIRED');
  });

  t.test('identity’s refusals are answered with their catalogued status and envelope', async (t) => {
    await assertRefusalsMapped(t, gateway, consume(), [
      'STEP_UP_TOKEN_INVALID',
      'STEP_UP_TOKEN_ALREADY_USED',
      'STEP_UP_TOKEN_EXPIRED',
      'STEP_UP_TOKEN_REVOKED',
      'STEP_UP_ACTION_MISMATCH',
      'STEP_UP_TRANSACTION_MISMATCH',
      'DEPENDENCY_UNAVAILABLE',
    ]);
  });
});
