/**
 * What the gateway logs per request: one line once it is answered (method,
 * route, status, duration, correlation id), never the query string or the
 * body; health and metrics probes only at debug.
 */
import t from 'tap';
import { startTestServer } from '../support/testServer.ts';

const server = await startTestServer({ LOG_LEVEL: 'debug' });
t.teardown(() => server.close());

interface Line {
  level: number;
  msg: string;
  service?: string;
  correlationId?: string;
  [field: string]: unknown;
}
/** The gateway's lines for one correlation id. */
const gatewayLines = (correlationId: string): Line[] =>
  server.logs
    .join('')
    .split('\n')
    .filter(Boolean)
    .map((text) => JSON.parse(text) as Line)
    .filter((line) => line.service === 'gateway' && line.correlationId === correlationId);

t.test('an API request is one line at info, naming the route but not the query string', async (t) => {
  const correlationId = 'forget-password-0001';
  const email = 'someone.logged@example.com';
  const answer = await server.call('GET', `/v1/user/forget-password?email=${encodeURIComponent(email)}`, {
    headers: { 'x-correlation-id': correlationId },
  });
  const lines = gatewayLines(correlationId);
  t.equal(lines.length, 1, 'one line');
  t.match(lines[0], {
    level: 30,
    msg: 'request',
    method: 'GET',
    route: '/v1/user/forget-password',
    status: answer.status,
    durationMs: Number,
  });
  t.notMatch(
    server.logs.join(''),
    /someone\.logged|email=/,
    'neither the query string nor the email anywhere in the log',
  );
});

t.test('a request with a body: the body is not logged', async (t) => {
  const correlationId = 'sign-up-body-0001';
  await server.call('POST', '/v1/user/sign-up', {
    body: {
      email: 'body.logged@example.com',
      phoneNumber: '+33612340000',
      password: 'a body passphrase not to log',
      locale: 'en',
    },
    headers: { 'x-correlation-id': correlationId },
  });
  t.match(gatewayLines(correlationId), [{ level: 30, msg: 'request', method: 'POST', route: '/v1/user/sign-up' }]);
  t.notMatch(server.logs.join(''), /body\.logged|a body passphrase/, 'no field of the body');
});

t.test('a path no route matches is logged without it', async (t) => {
  const correlationId = 'no-such-route-0001';
  await server.call('GET', '/v1/no/such/route/ada@example.com', { headers: { 'x-correlation-id': correlationId } });
  t.match(gatewayLines(correlationId), [{ level: 30, msg: 'request', route: null, status: 404 }]);
  t.notMatch(server.logs.join(''), /ada@example\.com/);
});

t.test('health probes are one line each at debug', async (t) => {
  for (const route of ['/health/live', '/health/ready']) {
    const correlationId = `probe-${route.replaceAll('/', '-')}-01`;
    await server.call('GET', route, { headers: { 'x-correlation-id': correlationId } });
    t.match(gatewayLines(correlationId), [{ level: 20, msg: 'request', route, status: 200 }], route);
    t.equal(gatewayLines(correlationId).length, 1, `${route}: one line`);
  }
});
