/** Refresh-token revocation over a fake identity: the client's own token ends its login; nothing else is said. */
import t, { type Test } from 'tap';
import { hashSecretToken } from '@tessera/crypto';
import { gatewayWithFakeIdentity } from '../fakeIdentityGateway.ts';
import { lastCommand, refused, type Request } from './routeChecks.ts';

const gateway = await gatewayWithFakeIdentity();
t.teardown(() => gateway.close());
const secret = 'partner-secret-0123456789';
await gateway.views.apiClients.upsert(
  'partner',
  {
    clientId: 'partner',
    name: 'Partner',
    scopes: ['users:write', 'users:read'],
    secretHash: hashSecretToken(secret),
    registeredAt: '2026-01-01T00:00:00.000Z',
  },
  1,
);

const userId = '5b7c1f9e-2d4a-4c8e-9f31-6a0d2e8b7c45';
const refreshSecret = 'Yt3kP9wQ2mX7vL4nB8cR1sD6fH0jG5aZ2eU9iO3uK7q';
const refreshToken = `${userId}.${refreshSecret}`;
const basic = (id: string, password: string) => `Basic ${Buffer.from(`${id}:${password}`).toString('base64')}`;
const revoke = (
  form: string,
  headers: Record<string, string> = { authorization: basic('partner', secret) },
): Request => ({
  method: 'POST',
  url: '/oauth/revoke',
  headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-correlation-id': 'revoke-0001', ...headers },
  payload: form,
});
const ofToken = (token: string) => `token=${encodeURIComponent(token)}`;

async function revokedQuietly(t: Test, request: Request) {
  const answer = await gateway.app.inject(request);
  t.equal(answer.statusCode, 200);
  t.equal(answer.headers['cache-control'], 'no-store');
  t.same(answer.json(), {});
}

t.test(
  'the caller must authenticate as a client: 401 invalid_client otherwise, and identity is not asked',
  async (t) => {
    const before = gateway.sent.length;
    for (const headers of [{} as Record<string, string>, { authorization: basic('partner', 'wrong') }]) {
      const answer = await gateway.app.inject(revoke(ofToken(refreshToken), headers));
      t.equal(answer.statusCode, 401);
      t.match(answer.json(), { error: 'invalid_client', error_description: String });
      t.equal(answer.headers['www-authenticate'], 'Basic realm="tessera"');
    }
    t.equal(gateway.sent.length, before);
  },
);

t.test('a request that breaks the schema is invalid_request, the OAuth way', async (t) => {
  const missing = await gateway.app.inject(revoke('token_type_hint=refresh_token'));
  t.equal(missing.statusCode, 400);
  t.match(missing.json(), { error: 'invalid_request' });
  const json = await gateway.app.inject({
    ...revoke(''),
    headers: { 'content-type': 'application/json' },
    payload: '{}',
  });
  t.equal(json.statusCode, 415);
  t.match(json.json(), { error: 'invalid_request' });
});

t.test('the client’s refresh token: RevokeRefreshToken with its user and its secret’s hash, then 200', async (t) => {
  gateway.answer(() => ({ ok: true, data: { revokedFamilyId: 'f1' }, position: 7 }));
  await revokedQuietly(t, revoke(`${ofToken(refreshToken)}&token_type_hint=refresh_token`));
  t.same(lastCommand(gateway), {
    type: 'RevokeRefreshToken',
    metadata: { correlationId: 'revoke-0001', clientId: 'partner' },
    payload: { userId, presentedTokenHash: hashSecretToken(refreshSecret) },
  });
});

t.test('by form credentials too, and whatever the hint says', async (t) => {
  gateway.answer(() => ({ ok: true, data: {} }));
  const form = `${ofToken(refreshToken)}&token_type_hint=access_token&client_id=partner&client_secret=${secret}`;
  await revokedQuietly(t, revoke(form, {}));
  t.match(lastCommand(gateway), { type: 'RevokeRefreshToken', metadata: { clientId: 'partner' } });
});

t.test('unknown, another client’s, or naming no user: 200, and nothing said', async (t) => {
  gateway.answer(() => refused('REFRESH_TOKEN_INVALID'));
  await revokedQuietly(t, revoke(ofToken(refreshToken)));
  const before = gateway.sent.length;
  await revokedQuietly(t, revoke(ofToken(refreshSecret)));
  await revokedQuietly(t, revoke(ofToken(`not-a-user.${refreshSecret}`)));
  t.equal(gateway.sent.length, before, 'a token naming no user is not looked for');
});

t.test('an access token is 400 unsupported_token_type: it lives out its few minutes', async (t) => {
  const before = gateway.sent.length;
  const answer = await gateway.app.inject(revoke(ofToken(gateway.userToken({ client_id: 'partner' }))));
  t.equal(answer.statusCode, 400);
  t.match(answer.json(), { error: 'unsupported_token_type', error_description: String });
  t.equal(gateway.sent.length, before);
});

t.test('identity out of reach: 503 temporarily_unavailable, the token may still work', async (t) => {
  gateway.answer(() => refused('DEPENDENCY_UNAVAILABLE'));
  const answer = await gateway.app.inject(revoke(ofToken(refreshToken)));
  t.equal(answer.statusCode, 503);
  t.match(answer.json(), { error: 'temporarily_unavailable' });
  t.ok(Number(answer.headers['retry-after']) >= 1);
});
