/** The probes an orchestrator calls: never limited, never authenticated. */
import t from 'tap';
import { gatewayWithFakeIdentity } from '../fakeIdentityGateway.ts';
import { assertSchemaRefusal } from './routeChecks.ts';

const gateway = await gatewayWithFakeIdentity(undefined, {
  readiness: [{ name: 'identity', check: async () => undefined }],
});
t.teardown(() => gateway.close());

t.test('a query that is not UTF-8 is refused', async (t) => {
  await assertSchemaRefusal(t, gateway, { method: 'GET', url: '/health/live?x=%FF' }, 'INVALID_TEXT_ENCODING');
  await assertSchemaRefusal(t, gateway, { method: 'GET', url: '/health/ready?x=%FF' }, 'INVALID_TEXT_ENCODING');
});

t.test('GET /health/live answers while the process runs', async (t) => {
  const answer = await gateway.app.inject({ method: 'GET', url: '/health/live' });
  t.equal(answer.statusCode, 200);
  t.same(answer.json(), { status: 'ok' });
});

t.test('GET /health/ready is ready when every dependency answers, each named', async (t) => {
  const answer = await gateway.app.inject({ method: 'GET', url: '/health/ready' });
  t.equal(answer.statusCode, 200);
  t.same(answer.json(), { status: 'ready', checks: { readModels: 'ok', identity: 'ok' } });
});

t.test('GET /health/ready is 503 while a dependency does not answer, and says which', async (t) => {
  const down = await gatewayWithFakeIdentity(undefined, {
    readiness: [{ name: 'identity', check: async () => Promise.reject(new Error('no consumer')) }],
  });
  t.teardown(() => down.close());
  const answer = await down.app.inject({ method: 'GET', url: '/health/ready' });
  t.equal(answer.statusCode, 503);
  t.same(answer.json(), { status: 'not ready', checks: { readModels: 'ok', identity: 'unavailable' } });
});
