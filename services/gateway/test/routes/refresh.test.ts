/** POST /v1/user/refresh over a fake identity: validation, tokens, the RefreshSession command, identity's refusals. */
import t from 'tap';
import { hashSecretToken } from '@tessera/crypto';
import { gatewayWithFakeIdentity } from '../fakeIdentityGateway.ts';
import {
  assertClientTokenRequired,
  assertRefusalsMapped,
  assertSchemaRefusal,
  bearer,
  lastCommand,
  type Request,
} from './routeChecks.ts';

const gateway = await gatewayWithFakeIdentity();
t.teardown(() => gateway.close());

const body = { username: 'ada@example.com', refreshToken: 'presented-refresh-token-0123456789' };
const refresh = (payload: object = body): Request => ({
  method: 'POST',
  url: '/v1/user/refresh',
  headers: { ...bearer(gateway.clientToken()), 'x-correlation-id': 'refresh-0001' },
  payload,
});

t.test('a body that breaks the schema is refused before identity', async (t) => {
  await assertSchemaRefusal(t, gateway, refresh({ ...body, refreshToken: 'too-short' }));
  await assertSchemaRefusal(t, gateway, refresh({ ...body, refreshToken: 'x'.repeat(257) }));
  await assertSchemaRefusal(t, gateway, refresh({ refreshToken: body.refreshToken }));
  await assertSchemaRefusal(t, gateway, refresh({ ...body, sessionId: 's1' }));
});

t.test('a client token with users:write is required', async (t) => {
  await assertClientTokenRequired(t, gateway, refresh(), 'users:write');
});

t.test('sends RefreshSession with the presented and the new token hashed, and answers new tokens', async (t) => {
  const refreshExpiresAt = new Date(Date.now() + 86_400_000).toISOString();
  gateway.answer(() => ({
    ok: true,
    data: { userId: 'u1', sessionId: 's2', familyId: 'f1', roles: ['USER'], refreshExpiresAt },
  }));
  const answer = await gateway.app.inject(refresh());
  t.equal(answer.statusCode, 200);
  t.equal(answer.headers['cache-control'], 'no-store');
  const { data } = answer.json();
  t.match(data, { userId: 'u1', tokenType: 'Bearer', expiresIn: 300, accessToken: String, refreshToken: String });
  t.not(data.refreshToken, body.refreshToken, 'a new refresh token');
  t.match(await gateway.app.jwt.verify(data.accessToken), { token_use: 'user', sub: 'u1', sid: 's2', fam: 'f1' });
  t.same(lastCommand(gateway), {
    type: 'RefreshSession',
    metadata: { correlationId: 'refresh-0001', clientId: 'acme' },
    payload: {
      email: 'ada@example.com',
      presentedTokenHash: hashSecretToken(body.refreshToken),
      newRefreshTokenHash: hashSecretToken(data.refreshToken.split('.')[1]),
    },
  });
  t.match(data.refreshToken, /^u1\.[A-Za-z0-9_-]{43}$/, 'the new refresh token names its user');
});

t.test('a refresh token naming its user is matched by the hash of its secret alone', async (t) => {
  const refreshExpiresAt = new Date(Date.now() + 86_400_000).toISOString();
  gateway.answer(() => ({
    ok: true,
    data: { userId: 'u1', sessionId: 's2', familyId: 'f1', roles: ['USER'], refreshExpiresAt },
  }));
  const named = '5b7c1f9e-2d4a-4c8e-9f31-6a0d2e8b7c45.Yt3kP9wQ2mX7vL4nB8cR1sD6fH0jG5aZ2eU9iO3uK7q';
  t.equal((await gateway.app.inject(refresh({ ...body, refreshToken: named }))).statusCode, 200);
  const command = lastCommand(gateway);
  t.equal(
    command?.type === 'RefreshSession' && command.payload.presentedTokenHash,
    hashSecretToken('Yt3kP9wQ2mX7vL4nB8cR1sD6fH0jG5aZ2eU9iO3uK7q'),
  );
});

t.test('for a client registered with resources, the user token names them beside the gateway', async (t) => {
  await gateway.views.apiClients.upsert(
    'acme',
    {
      clientId: 'acme',
      name: 'Acme',
      scopes: ['users:write'],
      secretHash: 'unused',
      registeredAt: '2026-01-01T00:00:00.000Z',
      audiences: ['https://payments.acme.example'],
    },
    1,
  );
  t.teardown(() => gateway.views.apiClients.delete('acme', 2));
  const refreshExpiresAt = new Date(Date.now() + 86_400_000).toISOString();
  gateway.answer(() => ({
    ok: true,
    data: { userId: 'u1', sessionId: 's2', familyId: 'f1', roles: ['USER'], refreshExpiresAt },
  }));
  const { data } = (await gateway.app.inject(refresh())).json();
  const claims = await gateway.app.jwt.verify<{ aud: string[] }>(data.accessToken);
  t.same(claims.aud, ['http://localhost', 'https://payments.acme.example']);
  const me = await gateway.app.inject({ method: 'GET', url: '/v1/user/me', headers: bearer(data.accessToken) });
  t.not(me.statusCode, 401, 'the gateway still takes it: it names the gateway too');
});

t.test('identity’s refusals are answered with their catalogued status and envelope', async (t) => {
  await assertRefusalsMapped(t, gateway, refresh(), ['REFRESH_TOKEN_INVALID', 'DEPENDENCY_UNAVAILABLE']);
});
