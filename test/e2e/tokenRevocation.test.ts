/**
 * RFC 7009 on the embedded default: a partner's back end revokes a user's
 * refresh token with its own credentials and the token alone, and the whole
 * login ends at once: the refresh is refused, the access token is refused by
 * the API and reported inactive by introspection. Another client's attempt
 * changes nothing.
 */
import t from 'tap';
import { errorCatalogue } from '@tessera/contracts';
import { registerClient, signUpAndLogIn, tokenOf } from '../support/flows.ts';
import { DEV_CLIENT, newUser, startTestServer, type TestServer } from '../support/testServer.ts';

let server: TestServer;
t.before(async () => {
  server = await startTestServer();
});
t.teardown(() => server.close());

type Client = { clientId: string; secret: string };
const basic = (client: Client) => `Basic ${Buffer.from(`${client.clientId}:${client.secret}`).toString('base64')}`;

async function oauthPost(path: string, client: Client, form: Record<string, string>) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: basic(client), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const refresh = (email: string, refreshToken: string) =>
  server.call('POST', '/v1/user/refresh', { body: { username: email, refreshToken } });

t.test('the client revokes a refresh token: the refresh is refused and the access token at once', async (t) => {
  const user = newUser();
  const ada = await signUpAndLogIn(server, user);
  t.match(ada.refreshToken, new RegExp(`^${ada.userId}\\.`), 'the refresh token names its user');
  const revoked = await oauthPost('/oauth/revoke', DEV_CLIENT, {
    token: ada.refreshToken,
    token_type_hint: 'refresh_token',
  });
  t.equal(revoked.status, 200);
  t.same(revoked.body, {});
  const me = await server.call('GET', '/v1/user/me', { token: ada.accessToken });
  t.equal(me.status, 401, 'the access token is refused as soon as the revocation answered');
  t.same(await oauthPost('/oauth/introspect', DEV_CLIENT, { token: ada.accessToken }), {
    status: 200,
    body: { active: false },
  });
  const refreshed = await refresh(user.email, ada.refreshToken);
  t.equal(refreshed.status, 401);
  t.equal(refreshed.body.errorCode, errorCatalogue.REFRESH_TOKEN_INVALID.errorCode, 'the refresh token is refused');
  t.same(
    await oauthPost('/oauth/revoke', DEV_CLIENT, { token: ada.refreshToken }),
    { status: 200, body: {} },
    'again: nothing more',
  );
});

t.test('a refresh token just rotated is revoked as surely: no read model stands between', async (t) => {
  const user = newUser();
  const bo = await signUpAndLogIn(server, user);
  const rotated = await refresh(user.email, bo.refreshToken);
  t.equal(rotated.status, 200);
  const { refreshToken, accessToken } = rotated.body.data;
  t.equal((await oauthPost('/oauth/revoke', DEV_CLIENT, { token: refreshToken })).status, 200);
  t.equal((await server.call('GET', '/v1/user/me', { token: accessToken })).status, 401);
  t.equal((await refresh(user.email, refreshToken)).status, 401);
});

t.test('another client presenting the token changes nothing, and is told nothing', async (t) => {
  const other = await registerClient(server, 'other-partner', ['users:write']);
  await tokenOf(server, other);
  const user = newUser();
  const cy = await signUpAndLogIn(server, user);
  t.same(await oauthPost('/oauth/revoke', other, { token: cy.refreshToken }), { status: 200, body: {} });
  t.equal((await server.call('GET', '/v1/user/me', { token: cy.accessToken })).status, 200, 'the login goes on');
  t.equal((await refresh(user.email, cy.refreshToken)).status, 200, 'its refresh token still works');
});

t.test('an access token cannot be revoked alone: 400 unsupported_token_type, and it keeps working', async (t) => {
  const dee = await signUpAndLogIn(server, newUser());
  const answer = await oauthPost('/oauth/revoke', DEV_CLIENT, {
    token: dee.accessToken,
    token_type_hint: 'access_token',
  });
  t.equal(answer.status, 400);
  t.match(answer.body, { error: 'unsupported_token_type' });
  t.equal((await server.call('GET', '/v1/user/me', { token: dee.accessToken })).status, 200);
});

t.test('the discovery document names the revocation endpoint', async (t) => {
  const metadata = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as Record<
    string,
    unknown
  >;
  t.equal(metadata.revocation_endpoint, `${server.url}/oauth/revoke`);
  t.same(metadata.revocation_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post']);
});
