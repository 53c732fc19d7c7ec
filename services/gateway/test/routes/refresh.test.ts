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
      newRefreshTokenHash: hashSecretToken(data.refreshToken),
    },
  });
});

t.test('identity’s refusals are answered with their catalogued status and envelope', async (t) => {
  await assertRefusalsMapped(t, gateway, refresh(), ['REFRESH_TOKEN_INVALID', 'DEPENDENCY_UNAVAILABLE']);
});
