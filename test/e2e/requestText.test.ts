/**
 * Request text is UTF-8, strictly: bytes that are not UTF-8 and strings with
 * an unpaired surrogate are refused with a clear 400, on every route, instead
 * of becoming U+FFFD (which made a latin-1 "é" and "è" the same password).
 */
import t from 'tap';
import { newUser, startTestServer, type TestServer } from '../support/testServer.ts';

let server: TestServer;
t.before(async () => {
  server = await startTestServer();
});
t.teardown(() => server.close());

const latin1 = (text: string) => Buffer.from(text, 'latin1');
const json = (parts: Array<string | Buffer>) =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : part)));

t.test('a password sent in latin-1 is refused, and two different ones can no longer both match', async (t) => {
  const user = { ...newUser(), password: 'un café bien serré' };
  t.equal((await server.call('POST', '/v1/user/sign-up', { body: user })).status, 200);
  for (const letter of ['é', 'è']) {
    const body = json([`{"username":"${user.email}","password":"`, latin1(`un caf${letter} bien serr${letter}`), '"}']);
    const response = await fetch(`${server.url}/v1/user/login`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await server.clientToken()}`, 'content-type': 'application/json' },
      body,
    });
    t.equal(response.status, 400, `"${letter}" in latin-1 is a 400`);
    t.equal(((await response.json()) as { errorCode: number }).errorCode, 1011, 'INVALID_TEXT_ENCODING');
  }
  const utf8 = await server.call('POST', '/v1/user/login', { body: { username: user.email, password: user.password } });
  t.equal(utf8.status, 200, 'the same password in UTF-8 logs in');
});

t.test('an unpaired surrogate in any JSON string, keys included, is refused', async (t) => {
  for (const body of [
    '{"username":"ada@example.com","password":"abc\\ud800defgh"}',
    '{"username":"ada@example.com","password":"abc\\udfffdefgh"}',
    '{"username":"ada@example.com","password":"abcdefgh","\\ud83d":1}',
  ]) {
    const answer = await server.call('POST', '/v1/user/login', {
      body,
      headers: { 'content-type': 'application/json' },
    });
    t.equal(answer.status, 400);
    t.equal(answer.body.errorCode, 1011);
  }
  const pair = await server.call('POST', '/v1/user/login', {
    body: '{"username":"ada@example.com","password":"abc\\ud83d\\ude00defgh"}',
    headers: { 'content-type': 'application/json' },
  });
  t.equal(pair.status, 401, 'a surrogate pair (an emoji) is ordinary text');
});

t.test('a body that names another charset is refused as an unsupported media type', async (t) => {
  const answer = await server.call('POST', '/v1/user/login', {
    body: '{"username":"ada@example.com","password":"abcdefgh"}',
    headers: { 'content-type': 'application/json; charset=iso-8859-1' },
  });
  t.equal(answer.status, 415);
  t.equal(answer.body.errorCode, 1002);
  const utf8 = await server.call('POST', '/v1/user/login', {
    body: '{"username":"ada@example.com","password":"abcdefgh"}',
    headers: { 'content-type': 'application/json; charset="UTF-8"' },
  });
  t.equal(utf8.status, 401, 'charset=UTF-8 is accepted');
});

t.test('a query string whose escapes are not UTF-8 is refused', async (t) => {
  const answer = await server.call('GET', '/v1/user/forget-password?email=caf%E9%40example.com');
  t.equal(answer.status, 400);
  t.equal(answer.body.errorCode, 1011);
});

t.test('a form body that is not UTF-8 is refused the OAuth way', async (t) => {
  const response = await fetch(`${server.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=test-client&client_secret=caf%E9',
  });
  t.equal(response.status, 400);
  t.same(await response.json(), { error: 'invalid_request', error_description: 'The token request is not valid.' });
});
