/**
 * The gateway says ready only while an identity instance serves commands,
 * and its probes stay cheap: one bus lookup per second at most, bounded.
 */
import t, { type Test } from 'tap';
import { consumerGroups, topics } from '@tessera/contracts';
import { generateBoxKeyPair, generateSecretKey, newSigningKey } from '@tessera/crypto';
import { createLogger } from '@tessera/logging';
import { createInProcessBus, type MessageBus } from '@tessera/messaging';
import { createInMemoryRateLimitStore } from '@tessera/rate-limits';
import { createSqliteViewStore } from '@tessera/read-models';
import type { FastifyInstance } from 'fastify';
import { buildGateway, defaultGatewayConfig, identityReadiness, type IdentityReadinessOptions } from '../src/index.ts';

async function gateway(
  t: Test,
  bus: Pick<MessageBus, 'hasLiveConsumers'>,
  options: IdentityReadinessOptions = {},
): Promise<FastifyInstance> {
  const views = createSqliteViewStore({ path: ':memory:' });
  const app = await buildGateway({
    identity: { send: async () => ({ ok: false, error: 'INTERNAL' }) },
    views,
    signingKeys: [newSigningKey()],
    commandPublicKey: generateBoxKeyPair().publicKey,
    rateLimitHashKey: generateSecretKey(),
    rateLimitStore: createInMemoryRateLimitStore(),
    kyc: { webhookSecret: 'unused', devPages: false },
    config: defaultGatewayConfig,
    logger: createLogger('gateway', { level: 'silent' }),
    readiness: [identityReadiness(bus, options)],
  });
  t.teardown(async () => {
    await app.close();
    await views.close();
  });
  return app;
}

const ready = async (app: FastifyInstance) => {
  const response = await app.inject({ method: 'GET', url: '/health/ready' });
  return { status: response.statusCode, body: response.json<{ status: string; checks: Record<string, string> }>() };
};

t.test(
  'not ready while no identity instance serves commands, ready while one does, not ready once it stopped',
  async (t) => {
    const bus = createInProcessBus();
    t.teardown(() => bus.close());
    const app = await gateway(t, bus, { cacheMs: 0 });
    t.match(
      await ready(app),
      { status: 503, body: { status: 'not ready', checks: { readModels: 'ok', identity: 'unavailable' } } },
      'no identity yet',
    );
    const identity = await bus.serve(topics.identityCommands, consumerGroups.identityCommands, async () => ({
      ok: true,
    }));
    t.match(
      await ready(app),
      { status: 200, body: { status: 'ready', checks: { identity: 'ok' } } },
      'identity serves commands',
    );
    await identity.stop();
    t.match(await ready(app), { status: 503, body: { checks: { identity: 'unavailable' } } }, 'identity gone');
  },
);

t.test('a consumer of another topic or group does not count as identity', async (t) => {
  const bus = createInProcessBus();
  t.teardown(() => bus.close());
  const app = await gateway(t, bus, { cacheMs: 0 });
  await bus.subscribe(topics.identityEvents, consumerGroups.identityCommands, async () => undefined);
  await bus.serve(topics.identityCommands, 'someone-else', async () => undefined);
  t.equal((await ready(app)).status, 503);
});

t.test('probes share one lookup while an answer is fresh', async (t) => {
  let lookups = 0;
  const app = await gateway(
    t,
    {
      hasLiveConsumers: async () => {
        lookups += 1;
        return true;
      },
    },
    { cacheMs: 60_000 },
  );
  const answers = await Promise.all(Array.from({ length: 20 }, () => ready(app)));
  t.ok(
    answers.every((answer) => answer.status === 200),
    'every probe is answered ready',
  );
  t.equal(lookups, 1, 'with one lookup between them');
});

t.test('a bus that does not answer, or fails, makes identity unavailable rather than hanging the probe', async (t) => {
  const silent = await gateway(
    t,
    { hasLiveConsumers: () => new Promise<boolean>(() => undefined) },
    { cacheMs: 0, timeoutMs: 50 },
  );
  t.match(await ready(silent), { status: 503, body: { checks: { identity: 'unavailable' } } }, 'no answer');
  const failing = await gateway(
    t,
    {
      hasLiveConsumers: async () => {
        throw new Error('broker down');
      },
    },
    { cacheMs: 0 },
  );
  t.match(await ready(failing), { status: 503, body: { checks: { identity: 'unavailable' } } }, 'a failed lookup');
});
