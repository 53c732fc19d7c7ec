/** Login, the SMS code and its resend over a fake identity: validation, tokens, commands, identity's refusals. */
import t from 'tap';
import { hashSecretToken } from '@tessera/crypto';
import { gatewayWithFakeIdentity } from '../fakeIdentityGateway.ts';
import {
  assertClientTokenRequired,
  assertRefusalsMapped,
  assertSchemaRefusal,
  bearer,
  lastCommand,
  refused,
  type Request,
} from './routeChecks.ts';

const gateway = await gatewayWithFakeIdentity();
t.teardown(() => gateway.close());

const post = (url: string, payload: object, token = gateway.clientToken()): Request => ({
  method: 'POST',
  url,
  headers: { ...bearer(token), 'x-correlation-id': 'login-flow-0001' },
  payload,
});
const challenge = {
  sessionId: 's1',
  challengeType: 'SMS_OTP' as const,
  codeDeliveryDestination: '+33*******78',
  expiresIn: 300,
};

t.test('POST /v1/user/login', async (t) => {
  const body = { username: 'ada@example.com', password: 'correct horse battery' };
  const login = (payload: object = body) => post('/v1/user/login', payload);

  t.test('a body that breaks the schema is refused before identity', async (t) => {
    await assertSchemaRefusal(t, gateway, login({ username: 'ada@example.com' }));
    await assertSchemaRefusal(t, gateway, login({ ...body, username: 'ad' }));
    await assertSchemaRefusal(t, gateway, login({ ...body, username: 42 }));
    await assertSchemaRefusal(t, gateway, login({ ...body, admin: true }));
  });

  t.test('a client token with users:write is required', async (t) => {
    await assertClientTokenRequired(t, gateway, login(), 'users:write');
  });

  t.test('sends StartLogin with the password sealed, and answers the challenge', async (t) => {
    gateway.answer(() => ({ ok: true, data: { ...challenge, internal: 'not for the caller' } }));
    const answer = await gateway.app.inject(login());
    t.equal(answer.statusCode, 200);
    t.equal(answer.headers['cache-control'], 'no-store');
    t.same(answer.json(), { success: true, data: challenge, errorCode: 0, errorMessage: '' }, 'the challenge only');
    const command = lastCommand(gateway);
    t.match(command, {
      type: 'StartLogin',
      metadata: { correlationId: 'login-flow-0001', clientId: 'acme' },
      payload: { email: 'ada@example.com', sealedSecrets: String },
    });
    const sealed = command?.type === 'StartLogin' ? command.payload.sealedSecrets : '';
    t.same(gateway.unseal(sealed), { password: 'correct horse battery' });
  });

  t.test('the device the app declares goes to identity with the login', async (t) => {
    gateway.answer(() => ({ ok: true, data: challenge }));
    const device = { id: 'install-1', name: "Ada's iPhone", platform: 'IOS' };
    const answer = await gateway.app.inject(login({ ...body, device }));
    t.equal(answer.statusCode, 200);
    t.match(lastCommand(gateway), { type: 'StartLogin', payload: { email: 'ada@example.com', device } });
    await gateway.app.inject(login({ ...body, device: { name: 'Laptop', platform: 'WEB' } }));
    t.match(lastCommand(gateway), { payload: { device: { name: 'Laptop', platform: 'WEB' } } }, 'the id is optional');
  });

  t.test('a device that is not a clear name and a known platform is refused before identity', async (t) => {
    const device = { name: "Ada's iPhone", platform: 'IOS' };
    for (const wrong of [
      { ...device, name: '' },
      { ...device, name: 'x'.repeat(65) },
      { ...device, name: 'line\nbreak' },
      { ...device, platform: 'TOASTER' },
      { platform: 'IOS' },
      { ...device, id: '' },
      { ...device, id: 'has space' },
      { ...device, id: 'i'.repeat(129) },
      { ...device, colour: 'red' },
    ])
      await assertSchemaRefusal(t, gateway, login({ ...body, device: wrong }));
  });

  t.test('identity’s refusals are answered with their catalogued status and envelope', async (t) => {
    await assertRefusalsMapped(t, gateway, login(), [
      'INVALID_CREDENTIALS',
      'ACCOUNT_LOCKED',
      'LOGIN_TEMPORARILY_LOCKED',
      'DEPENDENCY_UNAVAILABLE',
    ]);
  });

  t.test('a locked login says when to try again', async (t) => {
    gateway.answer(() => refused('LOGIN_TEMPORARILY_LOCKED', 120));
    const answer = await gateway.app.inject(login());
    t.equal(answer.statusCode, 429);
    t.equal(answer.headers['retry-after'], '120');
  });
});

t.test('POST /v1/user/otp', async (t) => {
  const body = { sessionId: 's1', username: 'ada@example.com', challengeType: 'SMS_OTP', code: '4821' };
  const verify = (payload: object = body) => post('/v1/user/otp', payload);

  t.test('a body that breaks the schema is refused before identity', async (t) => {
    await assertSchemaRefusal(t, gateway, verify({ ...body, code: '12a4' }));
    await assertSchemaRefusal(t, gateway, verify({ ...body, code: '123' }));
    await assertSchemaRefusal(t, gateway, verify({ ...body, challengeType: 'EMAIL' }));
    await assertSchemaRefusal(t, gateway, verify({ ...body, sessionId: '' }));
    const { code: _code, ...withoutCode } = body;
    await assertSchemaRefusal(t, gateway, verify(withoutCode));
  });

  t.test('a client token with users:write is required', async (t) => {
    await assertClientTokenRequired(t, gateway, verify(), 'users:write');
  });

  t.test(
    'on a login session: VerifyOtp with the code sealed and the new refresh token hashed, then tokens',
    async (t) => {
      const refreshExpiresAt = new Date(Date.now() + 3_600_000).toISOString();
      gateway.answer(() => ({
        ok: true,
        data: { purpose: 'LOGIN', userId: 'u1', sessionId: 's1', familyId: 'f1', roles: ['USER'], refreshExpiresAt },
      }));
      const answer = await gateway.app.inject(verify());
      t.equal(answer.statusCode, 200);
      t.equal(answer.headers['cache-control'], 'no-store');
      const { data } = answer.json();
      t.match(data, { userId: 'u1', tokenType: 'Bearer', expiresIn: 300, accessToken: String, refreshToken: String });
      t.ok(data.refreshExpiresIn > 3590 && data.refreshExpiresIn <= 3600, 'the refresh token lasts as identity said');
      t.match(await gateway.app.jwt.verify(data.accessToken), {
        token_use: 'user',
        sub: 'u1',
        client_id: 'acme',
        scope: 'user',
        sid: 's1',
        fam: 'f1',
        roles: ['USER'],
      });
      const command = lastCommand(gateway);
      t.match(command, {
        type: 'VerifyOtp',
        metadata: { correlationId: 'login-flow-0001', clientId: 'acme' },
        payload: { email: 'ada@example.com', sessionId: 's1', challengeType: 'SMS_OTP', sealedSecrets: String },
      });
      if (command?.type !== 'VerifyOtp') return;
      t.same(gateway.unseal(command.payload.sealedSecrets), { code: '4821' }, 'the code, for identity alone');
      const [user, secret] = data.refreshToken.split('.');
      t.equal(user, 'u1', 'the refresh token names its user, so its client can revoke it with nothing else');
      t.equal(command.payload.newRefreshTokenHash, hashSecretToken(secret), 'only the hash of its secret is sent');
    },
  );

  t.test('on a password-reset session: the password changed, and no token', async (t) => {
    gateway.answer(() => ({ ok: true, data: { purpose: 'PASSWORD_RESET', userId: 'u1', passwordChanged: true } }));
    const answer = await gateway.app.inject(verify());
    t.equal(answer.statusCode, 200);
    t.same(answer.json().data, { userId: 'u1', passwordChanged: true });
  });

  t.test('on a step-up session: a step-up token, and no login tokens', async (t) => {
    const expiresAt = new Date(Date.now() + 300_000).toISOString();
    gateway.answer(() => ({
      ok: true,
      data: {
        purpose: 'STEP_UP',
        userId: 'u1',
        stepUpId: 's1',
        action: 'WITHDRAW',
        transactionHash: 'txn',
        clientId: 'acme',
        familyId: 'f1',
        tokenId: 't1',
        authTime: new Date().toISOString(),
        expiresAt,
      },
    }));
    const answer = await gateway.app.inject(verify());
    t.equal(answer.statusCode, 200);
    t.equal(answer.headers['cache-control'], 'no-store');
    const { data } = answer.json();
    t.same(Object.keys(data).sort(), ['expiresIn', 'stepUpToken', 'userId'], 'a step-up token, no login tokens');
    t.ok(data.expiresIn > 295 && data.expiresIn <= 300, 'it lasts until the expiry identity chose');
    const [header, payload] = (data.stepUpToken as string)
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
    t.match(header, { alg: 'EdDSA', typ: 'step-up+jwt', kid: String }, 'typed as a step-up token');
    t.match(payload, {
      sub: 'u1',
      client_id: 'acme',
      acr: 'urn:tessera:acr:sca',
      amr: ['pwd', 'sms'],
      jti: 't1',
      action: 'WITHDRAW',
      txn: 'txn',
      sid: 's1',
      fam: 'f1',
      exp: Math.floor(Date.parse(expiresAt) / 1000),
    });
    const asAccessToken = await gateway.app.inject({
      method: 'GET',
      url: '/v1/user/me',
      headers: bearer(data.stepUpToken),
    });
    t.equal(asAccessToken.statusCode, 401, 'it never passes for an access token');
  });

  t.test('identity’s refusals are answered with their catalogued status and envelope', async (t) => {
    await assertRefusalsMapped(t, gateway, verify(), [
      'OTP_INVALID',
      'OTP_EXPIRED',
      'OTP_ALREADY_USED',
      'OTP_ATTEMPTS_EXHAUSTED',
      'ACCOUNT_LOCKED',
      'PASSWORD_NOT_STAGED',
      'STEP_UP_SESSION_ENDED',
      'DEPENDENCY_UNAVAILABLE',
    ]);
  });
});

t.test('POST /v1/user/otp/resend', async (t) => {
  const body = { sessionId: 's1', username: 'ada@example.com' };
  const resend = (payload: object = body) => post('/v1/user/otp/resend', payload);

  t.test('a body that breaks the schema is refused before identity', async (t) => {
    await assertSchemaRefusal(t, gateway, resend({ username: 'ada@example.com' }));
    await assertSchemaRefusal(t, gateway, resend({ ...body, code: '1234' }));
    await assertSchemaRefusal(t, gateway, resend({ ...body, sessionId: 's'.repeat(65) }));
  });

  t.test('a client token with users:write is required', async (t) => {
    await assertClientTokenRequired(t, gateway, resend(), 'users:write');
  });

  t.test('sends ResendOtp for the session, and answers the new challenge', async (t) => {
    gateway.answer(() => ({ ok: true, data: challenge }));
    const answer = await gateway.app.inject(resend());
    t.equal(answer.statusCode, 200);
    t.equal(answer.headers['cache-control'], 'no-store');
    t.same(answer.json().data, challenge);
    t.match(lastCommand(gateway), {
      type: 'ResendOtp',
      metadata: { correlationId: 'login-flow-0001', clientId: 'acme' },
      payload: { email: 'ada@example.com', sessionId: 's1' },
    });
  });

  t.test('identity’s refusals are answered with their catalogued status and envelope', async (t) => {
    await assertRefusalsMapped(t, gateway, resend(), [
      'OTP_INVALID',
      'OTP_ALREADY_USED',
      'OTP_ATTEMPTS_EXHAUSTED',
      'ACCOUNT_LOCKED',
      'OTP_RESEND_TOO_SOON',
      'DEPENDENCY_UNAVAILABLE',
    ]);
  });

  t.test('a resend too soon says when to ask again', async (t) => {
    gateway.answer(() => refused('OTP_RESEND_TOO_SOON', 30));
    const answer = await gateway.app.inject(resend());
    t.equal(answer.statusCode, 429);
    t.equal(answer.headers['retry-after'], '30');
  });
});
