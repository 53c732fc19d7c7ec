/**
 * Two gateways over one rate-limit store count into one budget, per IP and
 * per identifier: run with the in-memory store (two gateways in one process)
 * and, when MONGO_URL is set, with two MongoDB stores on one database, as two
 * gateway processes hold it.
 */
import t, { type Test } from 'tap';
import { randomUUID } from 'node:crypto';
import { generateBoxKeyPair, generateSecretKey, newSigningKey } from '@tessera/crypto';
import { createLogger } from '@tessera/logging';
import { createInMemoryRateLimitStore, createMongoRateLimitStore, type RateLimitStore } from '@tessera/rate-limits';
import { createSqliteViewStore } from '@tessera/read-models';
import { requireServer, scratchMongoDatabase } from '@tessera/testing';
import type { FastifyInstance } from 'fastify';
import { buildGateway, defaultGatewayConfig } from '../src/index.ts';

/** A moment that stays put, well in the future (a server's TTL monitor reads the real time): no window ends mid-test. */
const frozenClock = () => {
  const at = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 3_600_000 + 10_000);
  return () => at;
};

const signingKeys = [newSigningKey()];
const rateLimitHashKey = generateSecretKey();
const commandPublicKey = generateBoxKeyPair().publicKey;

async function gateway(t: Test, store: RateLimitStore): Promise<FastifyInstance> {
  const views = createSqliteViewStore({ path: ':memory:' });
  const app = await buildGateway({
    // Identity refuses every login: what is counted here happens before it.
    identity: { send: async () => ({ ok: false, error: 'INVALID_CREDENTIALS' }) },
    views,
    signingKeys,
    commandPublicKey,
    rateLimitHashKey,
    rateLimitStore: store,
    kyc: { webhookSecret: 'unused', devPages: false },
    config: { ...defaultGatewayConfig, rateLimits: { ...defaultGatewayConfig.rateLimits, perIp: 4, perIdentifier: 3 } },
    logger: createLogger('gateway', { level: 'silent' }),
  });
  t.teardown(async () => {
    await app.close();
    await views.close();
  });
  return app;
}

/** Two gateways, each with its own handle on one store's counts. */
type OpenPair = (t: Test) => Promise<[RateLimitStore, RateLimitStore]>;

async function sharedBudgetSuite(t: Test, name: string, openPair: OpenPair) {
  await t.test(`${name}: two gateways sharing the store`, async (t) => {
    t.test('share one per-IP budget', async (t) => {
      const [first, second] = await openPair(t);
      const gateways = [await gateway(t, first), await gateway(t, second)];
      const statuses = [];
      for (let call = 0; call < 6; call += 1) {
        statuses.push(
          (
            await gateways[call % 2]!.inject({
              method: 'GET',
              url: '/.well-known/jwks.json',
              remoteAddress: '203.0.113.9',
            })
          ).statusCode,
        );
      }
      t.same(statuses, [200, 200, 200, 200, 429, 429], 'four between them, then both refuse');
      const elsewhere = await gateways[0]!.inject({
        method: 'GET',
        url: '/.well-known/jwks.json',
        remoteAddress: '203.0.113.10',
      });
      t.equal(elsewhere.statusCode, 200, 'another IP has its own budget');
    });

    t.test('share one budget per identifier, whatever the IP', async (t) => {
      const [first, second] = await openPair(t);
      const gateways = [await gateway(t, first), await gateway(t, second)];
      const token = gateways[0]!.signAccessToken(
        { token_use: 'client', sub: 'partner', client_id: 'partner', scope: 'users:write' },
        300,
      );
      const attempts = [];
      for (let call = 0; call < 5; call += 1) {
        const response = await gateways[call % 2]!.inject({
          method: 'POST',
          url: '/v1/user/login',
          remoteAddress: `198.51.100.${call + 1}`,
          headers: { authorization: `Bearer ${token}` },
          payload: { username: 'Ada@Example.com', password: 'a guess at it' },
        });
        attempts.push(response.statusCode);
        if (response.statusCode === 429) t.ok(Number(response.headers['retry-after']) > 0, 'with Retry-After');
      }
      t.same(attempts, [401, 401, 401, 429, 429], 'three attempts on the account between both gateways and five IPs');
    });
  });
}

await sharedBudgetSuite(t, 'in-memory', async () => {
  const store = createInMemoryRateLimitStore({ clock: frozenClock() });
  return [store, store];
});

t.test(
  'gateways with stores of their own each allow the whole limit (why several gateways need the shared store)',
  async (t) => {
    const clock = frozenClock();
    const gateways = [
      await gateway(t, createInMemoryRateLimitStore({ clock })),
      await gateway(t, createInMemoryRateLimitStore({ clock })),
    ];
    const statuses = [];
    for (let call = 0; call < 8; call += 1) {
      statuses.push(
        (
          await gateways[call % 2]!.inject({
            method: 'GET',
            url: '/.well-known/jwks.json',
            remoteAddress: '203.0.113.9',
          })
        ).statusCode,
      );
    }
    t.same(statuses, Array(8).fill(200));
  },
);

const url = requireServer(t, 'MONGO_URL', 'two gateways sharing the MongoDB rate-limit store');
if (url !== undefined) {
  const serverUrl = url;
  const { database, admin } = scratchMongoDatabase(t, serverUrl);
  await sharedBudgetSuite(t, 'MongoDB', async (t) => {
    const clock = frozenClock();
    // A collection per case, since the frozen clock puts every case in one window.
    const collection = `hits_${randomUUID().replaceAll('-', '')}`;
    const stores = [
      await createMongoRateLimitStore({ url: serverUrl, database, clock, collection }),
      await createMongoRateLimitStore({ url: serverUrl, database, clock, collection }),
    ] as const;
    t.teardown(async () => {
      for (const store of stores) await store.close();
    });
    return [...stores];
  });

  t.test('MongoDB: the shared store holds keyed hashes of the IP and the email, never them', async (t) => {
    const collection = `hits_${randomUUID().replaceAll('-', '')}`;
    const store = await createMongoRateLimitStore({ url: serverUrl, database, clock: frozenClock(), collection });
    t.teardown(() => store.close());
    const app = await gateway(t, store);
    const token = app.signAccessToken(
      { token_use: 'client', sub: 'partner', client_id: 'partner', scope: 'users:write' },
      300,
    );
    await app.inject({
      method: 'POST',
      url: '/v1/user/login',
      remoteAddress: '198.51.100.77',
      headers: { authorization: `Bearer ${token}` },
      payload: { username: 'ada.lovelace@example.com', password: 'a guess at it' },
    });
    const buckets = (await admin.db(database).collection(collection).find().toArray()).map((hit) => String(hit.bucket));
    t.ok(
      buckets.some((bucket) => bucket.includes('"identifier"')),
      'the login was counted by identifier',
    );
    t.notOk(
      buckets.some((bucket) => /lovelace|198\.51\.100\.77/i.test(bucket)),
      `no bucket names the email or the IP (${buckets.join(' ')})`,
    );
  });
}
