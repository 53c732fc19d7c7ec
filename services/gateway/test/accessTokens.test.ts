/**
 * Access tokens after RFC 9068, as the gateway signs them and as it accepts them: any other JWT its keys sign,
 * or a token naming another issuer or audience, is refused.
 */
import t from 'tap';
import { hashSecretToken } from '@tessera/crypto';
import { gatewayWithFakeIdentity } from './fakeIdentityGateway.ts';

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

const parts = (token: string) => {
  const [header = '', payload = ''] = token.split('.');
  const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>;
  return { header: decode(header), claims: decode(payload) };
};

async function clientToken(): Promise<string> {
  const answer = await gateway.app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`partner:${secret}`).toString('base64')}`,
    },
    payload: 'grant_type=client_credentials',
  });
  return answer.json().access_token;
}

t.test('a client token says what RFC 9068 asks: type, issuer, audience, a unique id, times', async (t) => {
  const first = parts(await clientToken());
  const second = parts(await clientToken());
  t.match(first.header, { typ: 'at+jwt', alg: 'EdDSA', kid: String });
  t.match(first.claims, {
    iss: 'http://localhost',
    aud: 'http://localhost',
    sub: 'partner',
    client_id: 'partner',
    scope: 'users:write users:read',
    jti: String,
    iat: Number,
    exp: Number,
  });
  t.equal(Number(first.claims.exp) - Number(first.claims.iat), 3600);
  t.not(first.claims.jti, second.claims.jti, 'each token its own id');
});

t.test('a user token says the same, with the scope user', async (t) => {
  const { header, claims } = parts(gateway.userToken());
  t.equal(header.typ, 'at+jwt');
  t.match(claims, { iss: 'http://localhost', aud: 'http://localhost', scope: 'user', jti: String, sub: 'u1' });
});

t.test('a JWT of another type, issuer or audience, signed with the same key, is refused', async (t) => {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: 'u1', client_id: 'acme', scope: 'user', sid: 's1', fam: 'f1', roles: ['USER'] };
  const valid = {
    ...claims,
    token_use: 'user' as const,
    iss: 'http://localhost',
    aud: 'http://localhost',
    exp: now + 60,
  };
  const sign = (payload: typeof valid, typ = 'at+jwt') =>
    gateway.app.jwt.sign(payload, { header: { alg: 'EdDSA', typ } });
  const me = (token: string) =>
    gateway.app.inject({ method: 'GET', url: '/v1/user/me', headers: { authorization: `Bearer ${token}` } });
  t.equal((await me(sign(valid))).statusCode, 404, 'the control: accepted (the read model has no such user)');
  for (const [token, why] of [
    [sign(valid, 'step-up+jwt'), 'another type'],
    [sign(valid, 'JWT'), 'a plain JWT'],
    [sign({ ...valid, iss: 'https://elsewhere.example' }), 'another issuer'],
    [sign({ ...valid, aud: 'https://payments.example' }), 'another audience'],
  ] as const) {
    const answer = await me(token);
    t.equal(answer.statusCode, 401, why);
    t.equal(answer.json().errorCode, 2000, `${why}: UNAUTHENTICATED`);
  }
  t.equal(
    (await me(sign({ ...valid, aud: ['https://payments.example', 'http://localhost'] } as never))).statusCode,
    404,
    'an audience among several is enough',
  );
});
