/** The client credentials grant and the key set, over fake read models: OAuth's own answers, not the envelope. */
import t, { type Test } from 'tap';
import { hashSecretToken } from '@tessera/crypto';
import { gatewayWithFakeIdentity } from '../fakeIdentityGateway.ts';
import { assertSchemaRefusal, type Request } from './routeChecks.ts';

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
    audiences: ['https://payments.partner.example', 'urn:partner:ledger'],
  },
  1,
);

t.test('POST /oauth/token', async (t) => {
  const basic = (id: string, password: string) => `Basic ${Buffer.from(`${id}:${password}`).toString('base64')}`;
  const token = (
    form: string,
    headers: Record<string, string> = { authorization: basic('partner', secret) },
  ): Request => ({
    method: 'POST',
    url: '/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: form,
  });
  const oauthError = async (t: Test, request: Request, status: number, error: string) => {
    const answer = await gateway.app.inject(request);
    t.equal(answer.statusCode, status, `${error}: status ${status}`);
    t.match(answer.json(), { error, error_description: String }, `${error}: OAuth's body`);
    t.equal(answer.headers['cache-control'], 'no-store');
    return answer;
  };

  t.test('a request that breaks the schema is invalid_request; another grant is unsupported_grant_type', async (t) => {
    await oauthError(t, token('scope=users%3Aread'), 400, 'invalid_request');
    await oauthError(t, token('grant_type=password'), 400, 'unsupported_grant_type');
    await oauthError(
      t,
      {
        ...token(''),
        headers: { 'content-type': 'application/json', authorization: basic('partner', secret) },
        payload: '{}',
      },
      415,
      'invalid_request',
    );
  });

  t.test(
    'no credentials, an unknown client or a wrong secret: 401 invalid_client, with the Basic challenge',
    async (t) => {
      for (const headers of [
        {} as Record<string, string>,
        { authorization: basic('nobody', secret) },
        { authorization: basic('partner', 'wrong') },
      ]) {
        const answer = await oauthError(t, token('grant_type=client_credentials', headers), 401, 'invalid_client');
        t.equal(answer.headers['www-authenticate'], 'Basic realm="tessera"');
      }
    },
  );

  t.test('a scope the client does not hold is 400 invalid_scope', async (t) => {
    await oauthError(t, token('grant_type=client_credentials&scope=accounts%3Amanage'), 400, 'invalid_scope');
  });

  t.test(
    'a known client gets a client token with its scopes, by Basic or by form fields, without identity',
    async (t) => {
      const byForm = token(
        `grant_type=client_credentials&client_id=partner&client_secret=${secret}&scope=users%3Aread`,
        {},
      );
      for (const [request, scope] of [
        [token('grant_type=client_credentials'), 'users:write users:read'],
        [byForm, 'users:read'],
      ] as const) {
        const answer = await gateway.app.inject(request);
        t.equal(answer.statusCode, 200);
        t.equal(answer.headers['cache-control'], 'no-store');
        const body = answer.json();
        t.match(body, { token_type: 'Bearer', expires_in: 3600, scope, access_token: String });
        t.match(await gateway.app.jwt.verify(body.access_token), { token_use: 'client', sub: 'partner', scope });
      }
      t.equal(gateway.sent.length, 0, 'identity is not asked');
    },
  );

  t.test('with resource (RFC 8707): a token whose aud names the resources asked for alone', async (t) => {
    const audienceOf = async (form: string) => {
      const answer = await gateway.app.inject(token(`grant_type=client_credentials&${form}`));
      t.equal(answer.statusCode, 200, form);
      return (await gateway.app.jwt.verify<{ aud: unknown }>(answer.json().access_token)).aud;
    };
    const payments = encodeURIComponent('https://payments.partner.example');
    t.equal(await audienceOf(`resource=${payments}`), 'https://payments.partner.example');
    t.same(await audienceOf(`resource=${payments}&resource=urn%3Apartner%3Aledger`), [
      'https://payments.partner.example',
      'urn:partner:ledger',
    ]);
    t.equal(await audienceOf('resource=http%3A%2F%2Flocalhost'), 'http://localhost', "the gateway's own, always");
    t.equal(await audienceOf(''), 'http://localhost', 'none asked: the gateway');
  });

  t.test('a token for another resource alone is refused by the gateway', async (t) => {
    const answer = await gateway.app.inject(
      token(`grant_type=client_credentials&resource=${encodeURIComponent('https://payments.partner.example')}`),
    );
    const me = await gateway.app.inject({
      method: 'GET',
      url: '/v1/account/a1',
      headers: { authorization: `Bearer ${answer.json().access_token}` },
    });
    t.equal(me.statusCode, 401);
  });

  t.test('a resource the client is not registered with, or not an absolute URI, is 400 invalid_target', async (t) => {
    for (const resource of ['https://elsewhere.example', 'payments', 'https://payments.partner.example#x'])
      await oauthError(
        t,
        token(`grant_type=client_credentials&resource=${encodeURIComponent(resource)}`),
        400,
        'invalid_target',
      );
    const other = encodeURIComponent('https://elsewhere.example');
    await oauthError(
      t,
      token(`grant_type=client_credentials&resource=http%3A%2F%2Flocalhost&resource=${other}`),
      400,
      'invalid_target',
    );
  });
});

t.test('GET /.well-known/jwks.json', async (t) => {
  t.test('a query that is not UTF-8 is refused', async (t) => {
    await assertSchemaRefusal(
      t,
      gateway,
      { method: 'GET', url: '/.well-known/jwks.json?x=%FF' },
      'INVALID_TEXT_ENCODING',
    );
  });

  t.test('answers the public key that verifies the gateway’s tokens, without a token, cacheable', async (t) => {
    const answer = await gateway.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    t.equal(answer.statusCode, 200);
    t.equal(answer.headers['cache-control'], 'public, max-age=300');
    const { keys } = answer.json();
    t.equal(keys.length, 1);
    t.match(keys[0], { kty: 'OKP', crv: 'Ed25519', use: 'sig', alg: 'EdDSA', kid: String, x: String });
    t.notOk('d' in keys[0], 'no private part');
  });
});

t.test('GET /.well-known/oauth-authorization-server', async (t) => {
  t.test('a query that is not UTF-8 is refused', async (t) => {
    await assertSchemaRefusal(
      t,
      gateway,
      { method: 'GET', url: '/.well-known/oauth-authorization-server?x=%FF' },
      'INVALID_TEXT_ENCODING',
    );
  });

  t.test(
    'names the issuer, the keys and the token, introspection and revocation endpoints under it, cacheable',
    async (t) => {
      const answer = await gateway.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' });
      t.equal(answer.statusCode, 200);
      t.equal(answer.headers['cache-control'], 'public, max-age=300');
      t.match(answer.json(), {
        issuer: 'http://localhost',
        jwks_uri: 'http://localhost/.well-known/jwks.json',
        token_endpoint: 'http://localhost/oauth/token',
        grant_types_supported: ['client_credentials'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        introspection_endpoint: 'http://localhost/oauth/introspect',
        revocation_endpoint: 'http://localhost/oauth/revoke',
        revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        response_types_supported: [],
        scopes_supported: ['users:write', 'users:read', 'accounts:manage', 'user'],
      });
    },
  );
});
