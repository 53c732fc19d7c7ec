/**
 * The gateway as its own process: HTTP in front, identity over Kafka
 * request/reply, queries from MongoDB (or SQLite) read models.
 */
import path from 'node:path';
import { createLogger } from '@tessera/logging';
import {
  closeOnSignals,
  connectKafkaBus,
  connectRateLimitStore,
  connectViewStore,
  createMetrics,
  loadKeyring,
  readCommonSettings,
  readEnv,
} from '@tessera/runtime';
import { composeGateway } from './composeGateway.ts';
import { readGatewaySettings } from './gatewayEnv.ts';

const read = readEnv(process.env);
const common = readCommonSettings(read, 'gateway', 0);
const port = read.integer('PORT', 3000, 0, 65535);
const host = read.text('HOST', '0.0.0.0');
const mongoUrl = read.optional('MONGO_URL');
const database = read.text('MONGO_DATABASE', 'tessera');
const config = readGatewaySettings(read);
const plivoAuthTokens = [read.optional('PLIVO_AUTH_TOKEN'), read.optional('PLIVO_FALLBACK_AUTH_TOKEN')].filter(
  (token): token is string => Boolean(token),
);
const publicBaseUrl = read.optional('PUBLIC_BASE_URL');
if (plivoAuthTokens.length > 0 && !publicBaseUrl)
  read.problem('PUBLIC_BASE_URL is required with PLIVO_AUTH_TOKEN: delivery report signatures cover the public URL');
// The shared secret of the KYC provider's callbacks; without one, a key derived from the keyring (the dev provider signs with it too).
const kycWebhookSecret = read.optional('KYC_WEBHOOK_SECRET');
read.done();

const logger = createLogger('gateway', { level: common.logLevel }).child({
  service: 'gateway',
  instance: common.instanceId,
});
const keyring = loadKeyring(common.keysFile);
const metrics = createMetrics('gateway');
const views = await connectViewStore(
  { mongoUrl, database, sqliteFile: path.join(common.dataDir, 'views.sqlite') },
  logger,
);
const bus = await connectKafkaBus(common, logger);
// With MONGO_URL every gateway counts into the same windows; without it each counts alone.
const rateLimitStore = await connectRateLimitStore({ mongoUrl, database }, logger);
const { app } = await composeGateway(
  { bus, views, rateLimitStore, metrics, readiness: [{ name: 'kafka', check: () => bus.ping() }] },
  {
    config,
    keyring,
    ...(kycWebhookSecret ? { kycWebhookSecret } : {}),
    ...(plivoAuthTokens.length > 0 && publicBaseUrl ? { plivo: { authTokens: plivoAuthTokens, publicBaseUrl } } : {}),
  },
  logger,
);
await app.listen({ port, host });

closeOnSignals(logger, async () => {
  await app.close();
  await bus.close();
  await views.close();
  await rateLimitStore.close();
});
