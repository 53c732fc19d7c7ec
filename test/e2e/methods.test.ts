/**
 * A wrong method on a known path is a 405 that says, in `Allow`, which methods
 * the path takes (RFC 9110 §15.5.6); only an unknown path is a 404.
 */
import t from 'tap';
import { sendRaw } from '../support/rawHttp.ts';
import { startTestServer, type TestServer } from '../support/testServer.ts';

let server: TestServer;
t.before(async () => {
  server = await startTestServer();
});
t.teardown(() => server.close());

t.test('a known path with another method: 405, Allow, and the envelope', async (t) => {
  for (const [method, path, allow] of [
    ['GET', '/v1/user/login', 'POST'],
    ['DELETE', '/v1/user/me', 'GET, HEAD'],
    ['PUT', '/v1/account/some-account-id', 'GET, HEAD'],
    ['POST', '/v1/user/forget-password?email=ada%40example.com', 'GET, HEAD'],
    ['OPTIONS', '/v1/user/sign-up', 'POST'],
    ['GET', '/oauth/token', 'POST'],
    // A static path is its own resource, though a parametric route of another method matches it too.
    ['OPTIONS', '/v1/user/sessions/revoke-others', 'POST'],
    ['DELETE', '/v1/user/sessions/revoke-others', 'POST'],
    ['POST', '/v1/user/sessions/some-session-id', 'DELETE'],
  ] as const) {
    const answer = await server.call(method, path);
    t.equal(answer.status, 405, `${method} ${path}`);
    t.equal(answer.headers.get('allow'), allow, `Allow: ${allow}`);
    t.same(answer.body, {
      success: false,
      data: null,
      errorCode: 1005,
      errorMessage: 'This method is not allowed on this endpoint.',
    });
  }
});

t.test('a wrong method is a 405 even with an Idempotency-Key another request already used', async (t) => {
  const headers = { 'idempotency-key': 'a-key-for-the-method-test-0001' };
  const first = await server.call('POST', '/v1/user/login', {
    headers,
    body: { username: 'ada@example.com', password: 'not her password' },
  });
  t.equal(first.status, 401, 'the key is taken by a login');
  const wrongMethod = await server.call('PUT', '/v1/user/login', {
    headers,
    body: { username: 'ada@example.com', password: 'not her password' },
  });
  t.equal(wrongMethod.status, 405);
  t.equal(wrongMethod.headers.get('allow'), 'POST');
});

t.test('QUERY, which Fastify knows and no route takes, is a 405 too, with or without a Content-Type', async (t) => {
  for (const request of [
    'QUERY /health/live HTTP/1.1\r\nHost: x\r\n\r\n',
    'QUERY /v1/user/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
  ]) {
    const answer = await sendRaw(server.url, request);
    t.equal(answer.status, 405, request.slice(0, request.indexOf(' HTTP')));
    t.match(answer.headers.allow, /^(GET, HEAD|POST)$/, 'with the methods the path takes');
  }
});

t.test('an unknown path is still a 404', async (t) => {
  const answer = await server.call('DELETE', '/v1/no-such-thing');
  t.equal(answer.status, 404);
  t.equal(answer.headers.get('allow'), null);
  t.equal(answer.body.errorCode, 1003);
});

t.test("/oauth/token takes forms only, as OAuth specifies: JSON is a 415 in OAuth's format", async (t) => {
  const response = await fetch(`${server.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: 'test-client',
      client_secret: 'test-client-secret-0123456789',
    }),
  });
  t.equal(response.status, 415);
  t.same(await response.json(), { error: 'invalid_request', error_description: 'The token request is not valid.' });
});
