/** Client credentials, the JWKS, health and the API documentation. */
import t from 'tap';
import { createPublicKey, verify } from 'node:crypto';
import { DEV_CLIENT, startTestServer, type TestServer } from '../support/testServer.ts';

let server: TestServer;
t.before(async () => {
  server = await startTestServer();
});
t.teardown(() => server.close());

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function token(body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

t.test('a client gets a token with HTTP Basic or with form credentials', async (t) => {
  const viaBasic = await token(form({ grant_type: 'client_credentials' }), {
    authorization: basic(DEV_CLIENT.clientId, DEV_CLIENT.secret),
  });
  t.equal(viaBasic.status, 200);
  t.match(viaBasic.body, {
    token_type: 'Bearer',
    expires_in: 3600,
    scope: 'users:write users:read',
    access_token: String,
  });
  t.equal(viaBasic.headers.get('cache-control'), 'no-store');
  const claims = JSON.parse(
    Buffer.from(String(viaBasic.body.access_token).split('.')[1] ?? '', 'base64url').toString(),
  ) as { iat: number; exp: number; iss: string };
  t.equal(claims.exp - claims.iat, 3600, 'the token itself expires when expires_in says');
  t.equal(claims.iss, server.url, 'the issuer is the public base URL: here, the listening address');
  const viaForm = await token(
    form({
      grant_type: 'client_credentials',
      client_id: DEV_CLIENT.clientId,
      client_secret: DEV_CLIENT.secret,
      scope: 'users:write',
    }),
  );
  t.equal(viaForm.status, 200);
  t.equal(viaForm.body.scope, 'users:write', 'a narrower scope can be asked for');
});

t.test('a wrong secret, an unknown client, a foreign grant or scope are refused the OAuth way', async (t) => {
  const wrong = await token(form({ grant_type: 'client_credentials' }), {
    authorization: basic(DEV_CLIENT.clientId, 'wrong-secret-value'),
  });
  t.equal(wrong.status, 401);
  t.same(wrong.body, { error: 'invalid_client', error_description: 'Client authentication failed.' });
  const unknown = await token(form({ grant_type: 'client_credentials' }), {
    authorization: basic('nobody', 'wrong-secret-value'),
  });
  t.same(unknown.body, wrong.body, 'an unknown client looks the same as a wrong secret');
  const grant = await token(form({ grant_type: 'password' }), {
    authorization: basic(DEV_CLIENT.clientId, DEV_CLIENT.secret),
  });
  t.equal(grant.status, 400);
  t.equal(grant.body.error, 'unsupported_grant_type');
  const scope = await token(form({ grant_type: 'client_credentials', scope: 'accounts:manage' }), {
    authorization: basic(DEV_CLIENT.clientId, DEV_CLIENT.secret),
  });
  t.equal(scope.status, 400);
  t.equal(scope.body.error, 'invalid_scope');
  const missing = await token(form({}));
  t.equal(missing.status, 400);
  t.equal(missing.body.error, 'invalid_request');
});

t.test('every token verifies with the published key named by its kid', async (t) => {
  const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as {
    keys: Array<Record<string, string>>;
  };
  t.equal(jwks.keys.length, 1);
  t.match(jwks.keys[0], { kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: String, x: String });
  t.notOk('d' in (jwks.keys[0] ?? {}), 'no private part is published');
  const accessToken = await server.clientToken();
  const [header, payload, signature] = accessToken.split('.') as [string, string, string];
  const { kid, alg } = JSON.parse(Buffer.from(header, 'base64url').toString()) as { kid: string; alg: string };
  t.equal(alg, 'EdDSA');
  const jwk = jwks.keys.find((key) => key.kid === kid);
  t.ok(jwk, 'the kid is in the JWKS');
  const key = createPublicKey({ key: jwk as never, format: 'jwk' });
  t.ok(
    verify(null, Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url')),
    'the signature verifies',
  );
});

t.test('liveness and readiness answer', async (t) => {
  t.same((await server.call('GET', '/health/live')).body, { status: 'ok' });
  const ready = await server.call('GET', '/health/ready');
  t.equal(ready.status, 200);
  t.same(ready.body.checks, { readModels: 'ok', eventStore: 'ok', identity: 'ok' });
});

t.test('the API documentation is served, generated from the schemas that validate requests', async (t) => {
  const page = await fetch(`${server.url}/docs`, { redirect: 'follow' });
  t.equal(page.status, 200);
  t.match(await page.text(), /swagger/i);
  const spec = (await server.call('GET', '/docs/json')).body as {
    openapi: string;
    paths: Record<string, Record<string, { requestBody?: unknown }>>;
  };
  t.equal(spec.openapi, '3.1.0');
  for (const route of [
    '/v1/user/sign-up',
    '/v1/user/login',
    '/v1/user/otp',
    '/v1/user/otp/resend',
    '/v1/user/refresh',
    '/v1/user/forget-password',
    '/v1/user/change-password',
    '/v1/user/me',
    '/oauth/token',
  ]) {
    t.ok(spec.paths[route], `${route} is documented`);
  }
  t.ok(spec.paths['/v1/user/sign-up']?.post?.requestBody, 'request bodies are documented');
});
