/**
 * A downstream payment service verifies Tessera's access tokens with `jose`
 * alone, as it would with any OAuth server: the discovery document names the
 * issuer and the key set, and the token must say `typ` at+jwt, that issuer,
 * the audience and an expiry to come.
 */
import t from 'tap';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { registerClient, signUpAndLogIn, tokenOf } from '../support/flows.ts';
import { DEV_CLIENT, newUser, startTestServer, type TestServer } from '../support/testServer.ts';

let server: TestServer;
t.before(async () => {
  server = await startTestServer();
});
t.teardown(() => server.close());

interface Discovered {
  issuer: string;
  /** The token's claims if it verifies, as of `at` (now by default). */
  verify(token: string, at?: Date): Promise<JWTPayload>;
}

/**
 * What a resource server does at start: read the metadata under the issuer it was configured with. It checks
 * `audience`: its own resource, the issuer unless it is one of its own (RFC 8707).
 */
async function discover(issuer: string, audience?: string): Promise<Discovered> {
  const metadata = (await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()) as {
    issuer: string;
    jwks_uri: string;
  };
  const keys = createRemoteJWKSet(new URL(metadata.jwks_uri));
  return {
    issuer: metadata.issuer,
    verify: async (token, at) =>
      (
        await jwtVerify(token, keys, {
          issuer: metadata.issuer,
          audience: audience ?? metadata.issuer,
          typ: 'at+jwt',
          algorithms: ['EdDSA'],
          requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id', 'scope'],
          ...(at ? { currentDate: at } : {}),
        })
      ).payload,
  };
}

t.test('the discovery document names this server as issuer, and its key set', async (t) => {
  const discovered = await discover(server.url);
  t.equal(discovered.issuer, server.url, 'RFC 8414 §3.3: the issuer is the URL the document was found under');
});

t.test('a client token verifies with jose through the discovery document', async (t) => {
  const { verify } = await discover(server.url);
  const claims = await verify(await server.clientToken());
  t.match(claims, { sub: DEV_CLIENT.clientId, client_id: DEV_CLIENT.clientId, scope: 'users:write users:read' });
  t.ok(Number(claims.exp) > Date.now() / 1000, 'not expired');
});

t.test('a user token verifies the same way, with the scope user and the user as subject', async (t) => {
  const { verify } = await discover(server.url);
  const ada = await signUpAndLogIn(server, newUser());
  const claims = await verify(ada.accessToken);
  t.match(claims, { sub: ada.userId, client_id: DEV_CLIENT.clientId, scope: 'user', roles: ['USER'] });
});

t.test('a downstream service refuses what is not an access token of this issuer for it', async (t) => {
  const { verify } = await discover(server.url);
  const token = await server.clientToken();
  const [header = '', payload = '', signature = ''] = token.split('.');
  const edited = (part: string, change: Record<string, unknown>) =>
    Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(part, 'base64url').toString()), ...change })).toString(
      'base64url',
    );
  await t.rejects(
    verify(`${edited(header, { typ: 'JWT' })}.${payload}.${signature}`),
    'a header changed to another type: the signature no longer holds',
  );
  await t.rejects(
    verify(`${header}.${edited(payload, { aud: 'https://elsewhere.example' })}.${signature}`),
    'a changed claim',
  );
  await t.rejects(
    verify(token, new Date(Date.now() + 2 * 3600 * 1000)),
    { code: 'ERR_JWT_EXPIRED' },
    'past its expiry',
  );
});

t.test('a service that asks instead learns at once that a logged-out user token is no longer active', async (t) => {
  const metadata = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as {
    introspection_endpoint: string;
  };
  const introspect = async (token: string) =>
    (await (
      await fetch(metadata.introspection_endpoint, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${DEV_CLIENT.clientId}:${DEV_CLIENT.secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token }).toString(),
      })
    ).json()) as Record<string, unknown>;
  const ada = await signUpAndLogIn(server, newUser());
  t.match(await introspect(ada.accessToken), { active: true, sub: ada.userId, scope: 'user' });
  const logout = await server.call('POST', '/v1/user/logout', { token: ada.accessToken });
  t.equal(logout.status, 200);
  t.same(await introspect(ada.accessToken), { active: false }, 'inactive before the token expires');
});

t.test("a partner's payment service verifies tokens that name it as their audience (RFC 8707)", async (t) => {
  const payments = 'https://payments.partner.example';
  const partner = await registerClient(server, 'partner-with-payments', ['users:write', 'users:read'], [payments]);
  const partnerToken = await tokenOf(server, partner);
  const paymentService = await discover(server.url, payments);

  const response = await fetch(`${server.url}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${partner.clientId}:${partner.secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', resource: payments }).toString(),
  });
  t.equal(response.status, 200);
  const { access_token: forPayments } = (await response.json()) as { access_token: string };
  t.match(await paymentService.verify(forPayments), { aud: payments, client_id: partner.clientId });
  await t.rejects((await discover(server.url)).verify(forPayments), 'not for the gateway: it names the payments alone');

  const ada = await signUpAndLogIn(server, newUser(), { token: partnerToken });
  t.same((await paymentService.verify(ada.accessToken)).aud, [server.url, payments], 'a user token names both');
  const me = await server.call('GET', '/v1/user/me', { token: ada.accessToken });
  t.equal(me.status, 200, 'and the gateway still takes it');

  const elsewhere = await fetch(`${server.url}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${partner.clientId}:${partner.secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', resource: 'https://elsewhere.example' }).toString(),
  });
  t.equal(elsewhere.status, 400);
  t.match(await elsewhere.json(), { error: 'invalid_target' });
});
