/**
 * Bad input gets a clear error in the envelope with a catalogued code: never
 * a 500, never a stack trace, and nothing already stored is lost.
 */
import t, { type Test } from 'tap';
import { errorCatalogue } from '@tessera/contracts';
import { sendRaw } from '../support/rawHttp.ts';
import { newUser, startTestServer, type TestServer } from '../support/testServer.ts';

let server: TestServer;
t.before(async () => {
  server = await startTestServer();
});
t.teardown(() => server.close());

const catalogued = new Set<number>(Object.values(errorCatalogue).map((entry) => entry.errorCode));

function assertEnvelope(t: Test, response: { status: number; body: unknown }, status: number, errorCode: number) {
  t.equal(response.status, status, `status ${status}`);
  t.match(response.body, { success: false, data: null, errorCode, errorMessage: String });
  t.ok(catalogued.has(errorCode), 'the code is in the catalogue');
  t.notOk(JSON.stringify(response.body).includes(' at '), 'no stack trace');
}

t.test('malformed JSON is a 400 with its own code', async (t) => {
  assertEnvelope(
    t,
    await server.call('POST', '/v1/user/login', {
      body: '{"username": "a@',
      headers: { 'content-type': 'application/json' },
    }),
    400,
    1004,
  );
});

t.test('an unsupported content type is a 415', async (t) => {
  assertEnvelope(
    t,
    await server.call('POST', '/v1/user/login', { body: 'username=a', headers: { 'content-type': 'text/plain' } }),
    415,
    1002,
  );
});

t.test('a body over the size limit is a 413', async (t) => {
  const huge = { username: 'a@example.com', password: 'x'.repeat(20_000) };
  assertEnvelope(t, await server.call('POST', '/v1/user/login', { body: huge }), 413, 1001);
});

t.test('fields of the wrong type, extra fields and wrong enums are refused as validation errors', async (t) => {
  assertEnvelope(
    t,
    await server.call('POST', '/v1/user/login', { body: { username: 42, password: 'whatever-long' } }),
    400,
    1000,
  );
  assertEnvelope(
    t,
    await server.call('POST', '/v1/user/login', {
      body: { username: 'a@example.com', password: 'whatever-long', admin: true },
    }),
    400,
    1000,
  );
  assertEnvelope(
    t,
    await server.call('POST', '/v1/user/otp', {
      body: { sessionId: 's', username: 'a@example.com', challengeType: 'EMAIL', code: '1234' },
    }),
    400,
    1000,
  );
  assertEnvelope(
    t,
    await server.call('POST', '/v1/user/otp', {
      body: { sessionId: 's', username: 'a@example.com', challengeType: 'SMS_OTP', code: '12a4' },
    }),
    400,
    1000,
  );
  assertEnvelope(t, await server.call('POST', '/v1/user/login', { body: [] }), 400, 1000);
  assertEnvelope(
    t,
    await server.call('POST', '/v1/user/login', { body: 'null', headers: { 'content-type': 'application/json' } }),
    400,
    1000,
  );
});

t.test('an unknown route is a 404 in the envelope', async (t) => {
  assertEnvelope(t, await server.call('GET', '/v1/nothing-here'), 404, 1003);
});

t.test('a path with broken percent-encoding is a 400 in the envelope, and the path is not echoed', async (t) => {
  const response = await server.call('POST', '/v1/user/login/%E0%A4%A', {
    body: { username: 'a@example.com', password: 'whatever-long' },
  });
  assertEnvelope(t, response, 400, 1000);
  t.notOk(JSON.stringify(response.body).includes('%E0'), 'the path is not echoed');
});

t.test('a request line and headers past the size limit get a 431 in the envelope', async (t) => {
  assertEnvelope(
    t,
    await server.call('GET', `/v1/user/forget-password?email=${'a'.repeat(20_000)}%40example.com`),
    431,
    1008,
  );
  assertEnvelope(t, await server.call('GET', `/v1/account/${'x'.repeat(300)}`), 414, 1010);
  assertEnvelope(
    t,
    await server.call('POST', '/v1/kyc/callback', {
      body: '{"identificationId": ',
      headers: { 'content-type': 'application/json' },
    }),
    400,
    1004,
  );
});

t.test('a CR, LF or NUL inside a header or the request line is a 400 in the envelope', async (t) => {
  for (const request of [
    'GET /health/live HTTP/1.1\r\nHost: x\r\nX-Correlation-Id: abc\rdef\r\n\r\n',
    'GET /health/live HTTP/1.1\r\nHost: x\r\nX-Correlation-Id: abc\u0000def\r\n\r\n',
    'GET /health/live?a=\n{"level":30} HTTP/1.1\r\nHost: x\r\n\r\n',
  ]) {
    const answer = await sendRaw(server.url, request);
    assertEnvelope(t, { status: answer.status, body: JSON.parse(answer.body) as unknown }, 400, 1000);
  }
});

t.test('an HTTP/1.1 request without Host is a 400 in the envelope, not an empty answer', async (t) => {
  const answer = await sendRaw(server.url, 'GET /health/live HTTP/1.1\r\n\r\n');
  assertEnvelope(t, { status: answer.status, body: JSON.parse(answer.body) as unknown }, 400, 1000);
  t.equal(
    (await sendRaw(server.url, 'GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n')).status,
    200,
    'with Host it is served',
  );
});

t.test('a broken or foreign bearer token is a 401, not a 500', async (t) => {
  for (const token of ['garbage', 'a.b.c', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl']) {
    assertEnvelope(t, await server.call('GET', '/v1/user/me', { token }), 401, 2000);
  }
});

t.test('bad input loses nothing already stored', async (t) => {
  const user = newUser();
  t.equal((await server.call('POST', '/v1/user/sign-up', { body: user })).status, 200);
  await server.call('POST', '/v1/user/sign-up', { body: '{"email":', headers: { 'content-type': 'application/json' } });
  await server.call('POST', '/v1/user/sign-up', { body: { ...user, password: 'x'.repeat(20_000) } });
  const login = await server.call('POST', '/v1/user/login', {
    body: { username: user.email, password: user.password },
  });
  t.equal(login.status, 200, 'the user is still there and can log in');
});

t.test('a correlation id given by the caller comes back, and one with line breaks is replaced', async (t) => {
  const given = await server.call('GET', '/health/live', { headers: { 'x-correlation-id': 'partner-req-12345678' } });
  t.equal(given.headers.get('x-correlation-id'), 'partner-req-12345678');
  const made = await server.call('GET', '/health/live', { headers: { 'x-correlation-id': 'x"y{}z<>' } });
  t.match(made.headers.get('x-correlation-id'), /^[0-9a-f-]{36}$/, 'an unsafe id is replaced with a fresh one');
});
