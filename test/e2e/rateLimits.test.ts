/**
 * Request limits over HTTP: per IP on every route, stricter per IP on the
 * sensitive routes, per identifier from any IP; the IP taken from
 * X-Forwarded-For only when the proxy is trusted. Small limits, and the clock
 * moved instead of waiting.
 */
import t from 'tap';
import { DEV_CLIENT, newUser, startTestServer, type TestServer } from '../support/testServer.ts';

const rateLimited = {
  success: false,
  data: null,
  errorCode: 5000,
  errorMessage: 'Too many requests; try again later.',
};

/** Moves the clock to the start of a window, so a burst never straddles two. */
function atWindowStart(server: TestServer, windowSeconds: number) {
  const into = server.now().getTime() % (windowSeconds * 1000);
  server.advanceClock((windowSeconds * 1000 - into) / 1000);
}

const retryAfter = (response: { headers: Headers }) => Number(response.headers.get('retry-after'));

t.test("without a trusted proxy the IP is the connection's, and X-Forwarded-For changes nothing", async (t) => {
  const server = await startTestServer({ RATE_LIMIT_PER_IP: '5', RATE_LIMIT_SENSITIVE_PER_IP: '3' });
  t.teardown(() => server.close());
  await server.clientToken();

  t.test(
    'past the per-IP limit every route answers 429 with Retry-After in the envelope, until the window ends',
    async (t) => {
      atWindowStart(server, 60);
      for (let call = 0; call < 3; call += 1) t.equal((await server.call('GET', '/.well-known/jwks.json')).status, 200);
      for (let call = 0; call < 2; call += 1)
        t.equal(
          (
            await server.call('POST', '/v1/user/refresh', {
              body: { username: 'a@example.com', refreshToken: 'x'.repeat(43) },
            })
          ).status,
          401,
        );
      const refused = await server.call('GET', '/.well-known/jwks.json', {
        headers: { 'x-forwarded-for': '198.51.100.7' },
      });
      t.equal(refused.status, 429, 'the sixth request of the minute, whatever the route');
      t.same(refused.body, rateLimited);
      t.ok(
        retryAfter(refused) > 50 && retryAfter(refused) <= 60,
        `Retry-After: the rest of the window (${retryAfter(refused)})`,
      );
      t.equal(refused.headers.get('x-ratelimit-limit'), '5');
      t.equal((await server.call('GET', '/v1/no-such-route')).status, 429, 'unknown paths count too');
      t.equal((await server.call('GET', '/health/live')).status, 200, 'health probes are never limited');
      server.advanceClock(retryAfter(refused));
      t.equal(
        (await server.call('GET', '/.well-known/jwks.json')).status,
        200,
        'after Retry-After seconds requests pass again',
      );
    },
  );

  t.test('a sensitive route has its own, stricter count per IP', async (t) => {
    atWindowStart(server, 60);
    for (let call = 1; call <= 3; call += 1) {
      const login = await server.call('POST', '/v1/user/login', {
        body: { username: `nobody${call}@example.com`, password: 'whatever it is' },
        headers: { 'x-forwarded-for': `198.51.100.${call}` },
      });
      t.equal(login.status, 401, `login ${call} goes through`);
    }
    const refused = await server.call('POST', '/v1/user/login', {
      body: { username: 'nobody4@example.com', password: 'whatever it is' },
      headers: { 'x-forwarded-for': '198.51.100.4' },
    });
    t.equal(refused.status, 429, 'a fourth login from the same connection is refused, however it names its IP');
    t.same(refused.body, rateLimited);
    t.ok(retryAfter(refused) > 0 && retryAfter(refused) <= 60);
    t.equal((await server.call('GET', '/.well-known/jwks.json')).status, 200, 'other routes still answer');
  });

  t.test('/oauth/token answers its 429 the OAuth way', async (t) => {
    atWindowStart(server, 60);
    const token = () =>
      fetch(`${server.url}/oauth/token`, {
        method: 'POST',
        body: 'grant_type=client_credentials',
        headers: {
          authorization: `Basic ${Buffer.from(`${DEV_CLIENT.clientId}:${DEV_CLIENT.secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
      });
    for (let call = 0; call < 3; call += 1) t.equal((await token()).status, 200);
    const refused = await token();
    t.equal(refused.status, 429);
    t.same(await refused.json(), {
      error: 'slow_down',
      error_description: 'Too many token requests; try again later.',
    });
    t.ok(retryAfter(refused) > 0 && retryAfter(refused) <= 60);
  });
});

t.test('behind a trusted proxy', async (t) => {
  const server = await startTestServer({
    TRUST_PROXY: '127.0.0.1',
    RATE_LIMIT_SENSITIVE_PER_IP: '2',
    RATE_LIMIT_PER_IDENTIFIER: '3',
  });
  t.teardown(() => server.close());
  const user = newUser();
  await server.call('POST', '/v1/user/sign-up', { body: user });
  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  t.test(
    'one account is limited however many IPs the attempts come from, and over every route naming it',
    async (t) => {
      atWindowStart(server, 900);
      t.equal(
        (
          await server.call('POST', '/v1/user/login', {
            body: { username: user.email, password: 'guess one' },
            headers: from('203.0.113.1'),
          })
        ).status,
        401,
      );
      t.equal(
        (
          await server.call('POST', '/v1/user/login', {
            body: { username: user.email.toUpperCase(), password: 'guess two' },
            headers: from('203.0.113.2'),
          })
        ).status,
        401,
      );
      t.equal(
        (
          await server.call('GET', `/v1/user/forget-password?email=${encodeURIComponent(user.email)}`, {
            headers: from('203.0.113.3'),
          })
        ).status,
        200,
      );
      const refused = await server.call('POST', '/v1/user/login', {
        body: { username: user.email, password: 'guess three' },
        headers: from('203.0.113.4'),
      });
      t.equal(refused.status, 429, 'the fourth request naming the account, from a fourth IP');
      t.same(refused.body, rateLimited);
      t.ok(
        retryAfter(refused) > 890 && retryAfter(refused) <= 900,
        `Retry-After: the rest of the 15 minutes (${retryAfter(refused)})`,
      );
      const otp = await server.call('POST', '/v1/user/otp', {
        body: { sessionId: 'any-session', username: user.email, challengeType: 'SMS_OTP', code: '0000' },
        headers: from('203.0.113.5'),
      });
      t.equal(otp.status, 429, 'codes for the account are refused too');
      const other = await server.call('POST', '/v1/user/login', {
        body: { username: `other.${user.email}`, password: 'guess one' },
        headers: from('203.0.113.4'),
      });
      t.equal(other.status, 401, 'another email from the same IP is not affected');
      server.advanceClock(retryAfter(refused));
      const later = await server.call('POST', '/v1/user/login', {
        body: { username: user.email, password: user.password },
        headers: from('203.0.113.6'),
      });
      t.equal(later.status, 200, 'after Retry-After seconds the account logs in');
    },
  );

  t.test('the forwarded IP is the one counted: each has its own budget', async (t) => {
    atWindowStart(server, 60);
    const login = (ip: string, n: number) =>
      server.call('POST', '/v1/user/login', {
        body: { username: `nobody${n}.${user.email}`, password: 'whatever it is' },
        headers: from(ip),
      });
    t.equal((await login('192.0.2.10', 1)).status, 401);
    t.equal((await login('192.0.2.10', 2)).status, 401);
    t.equal((await login('192.0.2.10', 3)).status, 429, 'the third from one end-user IP is refused');
    t.equal((await login('192.0.2.11', 4)).status, 401, 'another end-user IP behind the same proxy is not');
  });
});
