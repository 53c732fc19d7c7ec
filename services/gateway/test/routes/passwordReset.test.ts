/** The forgotten-password routes over a fake identity: validation, tokens, commands, identity's refusals. */
import t from 'tap';
import { gatewayWithFakeIdentity } from '../fakeIdentityGateway.ts';
import {
  assertClientTokenRequired,
  assertError,
  assertRefusalsMapped,
  assertSchemaRefusal,
  bearer,
  lastCommand,
  type Request,
} from './routeChecks.ts';

const gateway = await gatewayWithFakeIdentity();
t.teardown(() => gateway.close());

const headers = () => ({ ...bearer(gateway.clientToken()), 'x-correlation-id': 'reset-0001' });
const resetChallenge = {
  sessionId: 'r1',
  challengeType: 'SMS_OTP' as const,
  codeDeliveryDestination: '+33*******78',
  expiresIn: 300,
};

t.test('GET /v1/user/forget-password', async (t) => {
  const forget = (query = 'email=ada%40example.com'): Request => ({
    method: 'GET',
    url: `/v1/user/forget-password?${query}`,
    headers: headers(),
  });

  t.test('a query that breaks the schema is refused before identity', async (t) => {
    await assertSchemaRefusal(t, gateway, forget(''));
    await assertSchemaRefusal(t, gateway, forget('email=not-an-email'), 'INVALID_EMAIL');
    await assertSchemaRefusal(t, gateway, forget('email=ada%40example.com&phone=1'));
  });

  t.test('a client token with users:write is required', async (t) => {
    await assertClientTokenRequired(t, gateway, forget(), 'users:write');
  });

  t.test('sends StartPasswordReset for the email, and answers the reset challenge', async (t) => {
    gateway.answer(() => ({ ok: true, data: resetChallenge }));
    const answer = await gateway.app.inject(forget());
    t.equal(answer.statusCode, 200);
    t.equal(answer.headers['cache-control'], 'no-store');
    t.same(answer.json(), { success: true, data: resetChallenge, errorCode: 0, errorMessage: '' });
    t.same(lastCommand(gateway), {
      type: 'StartPasswordReset',
      metadata: { correlationId: 'reset-0001', clientId: 'acme' },
      payload: { email: 'ada@example.com' },
    });
  });

  t.test('identity’s refusals are answered with their catalogued status and envelope', async (t) => {
    await assertRefusalsMapped(t, gateway, forget(), ['DEPENDENCY_UNAVAILABLE']);
  });
});

t.test('PUT /v1/user/change-password', async (t) => {
  const body = {
    sessionId: 'r1',
    username: 'ada@example.com',
    challengeType: 'SMS_OTP',
    password: 'a brand new passphrase',
    passwordConfirm: 'a brand new passphrase',
  };
  const change = (payload: object = body): Request => ({
    method: 'PUT',
    url: '/v1/user/change-password',
    headers: headers(),
    payload,
  });

  t.test('a body that breaks the schema is refused before identity', async (t) => {
    await assertSchemaRefusal(
      t,
      gateway,
      change({ ...body, password: 'short', passwordConfirm: 'short' }),
      'PASSWORD_POLICY',
    );
    await assertSchemaRefusal(t, gateway, change({ ...body, challengeType: 'EMAIL' }));
    const { passwordConfirm: _confirm, ...withoutConfirmation } = body;
    await assertSchemaRefusal(t, gateway, change(withoutConfirmation));
  });

  t.test('a confirmation that differs is refused by the gateway: 422, identity not asked', async (t) => {
    const before = gateway.sent.length;
    const request = change({ ...body, passwordConfirm: 'another new passphrase' });
    assertError(t, gateway, request, await gateway.app.inject(request), 'PASSWORD_MISMATCH');
    t.equal(gateway.sent.length, before);
  });

  t.test('a client token with users:write is required', async (t) => {
    await assertClientTokenRequired(t, gateway, change(), 'users:write');
  });

  t.test('sends StagePasswordChange with the password sealed, and answers it staged', async (t) => {
    gateway.answer(() => ({ ok: true, data: { sessionId: 'r1', challengeType: 'SMS_OTP', passwordStaged: true } }));
    const answer = await gateway.app.inject(change());
    t.equal(answer.statusCode, 200);
    t.equal(answer.headers['cache-control'], 'no-store');
    t.same(answer.json().data, { sessionId: 'r1', challengeType: 'SMS_OTP', passwordStaged: true });
    const command = lastCommand(gateway);
    t.match(command, {
      type: 'StagePasswordChange',
      metadata: { correlationId: 'reset-0001', clientId: 'acme' },
      payload: { email: 'ada@example.com', sessionId: 'r1', challengeType: 'SMS_OTP', sealedSecrets: String },
    });
    const sealed = command?.type === 'StagePasswordChange' ? command.payload.sealedSecrets : '';
    t.same(gateway.unseal(sealed), { password: 'a brand new passphrase' });
  });

  t.test('identity’s refusals are answered with their catalogued status and envelope', async (t) => {
    await assertRefusalsMapped(t, gateway, change(), [
      'OTP_EXPIRED',
      'OTP_ALREADY_USED',
      'OTP_ATTEMPTS_EXHAUSTED',
      'PASSWORD_BREACHED',
      'SESSION_NOT_RESETTABLE',
      'DEPENDENCY_UNAVAILABLE',
    ]);
  });
});
