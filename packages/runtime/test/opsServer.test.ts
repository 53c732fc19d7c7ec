import t from 'tap';
import { Registry } from 'prom-client';
import { freePort } from '@tessera/testing';
import { startOpsServer } from '../src/index.ts';

t.test('a starting service answers live and starting, then ready with each dependency named', async (t) => {
  const port = await freePort();
  const ops = await startOpsServer({ port, host: '127.0.0.1', registry: new Registry() });
  t.teardown(() => ops.close());
  const get = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: response.status, body: (await response.json()) as unknown };
  };

  t.same(
    await get('/health/live'),
    { status: 200, body: { status: 'ok' } },
    'alive while its dependencies are awaited',
  );
  t.same(
    await get('/health/ready'),
    { status: 503, body: { status: 'starting', checks: { startup: 'in progress' } } },
    'not ready until it has started',
  );

  let keyStoreUp = false;
  ops.ready([
    { name: 'kafka', check: async () => undefined },
    {
      name: 'keyStore',
      check: async () => {
        if (!keyStoreUp) throw new Error('down');
      },
    },
  ]);
  t.same(
    await get('/health/ready'),
    { status: 503, body: { status: 'not ready', checks: { kafka: 'ok', keyStore: 'unavailable' } } },
    'names the dependency that is down',
  );
  keyStoreUp = true;
  t.same(await get('/health/ready'), {
    status: 200,
    body: { status: 'ready', checks: { kafka: 'ok', keyStore: 'ok' } },
  });
});
