/**
 * Identity as its own process: commands from `identity.commands.v1`, events
 * into EventStoreDB (or SQLite when EVENTSTORE_URL is unset), and the relay
 * that publishes them to `identity.events.v1`.
 */
import path from 'node:path';
import { createLogger } from '@tessera/logging';
import {
  closeOnSignals,
  connectEventStore,
  connectKafkaBus,
  connectPersonalData,
  createMetrics,
  loadKeyring,
  readCommonSettings,
  readEnv,
  startOpsServer,
} from '@tessera/runtime';
import { createFileCheckpointStore } from './adapters/fileCheckpointStore.ts';
import { composeIdentity } from './composeIdentity.ts';
import { readIdentitySettings } from './identityEnv.ts';

const read = readEnv(process.env);
const common = readCommonSettings(read, 'identity', 9465);
const eventStoreUrl = read.optional('EVENTSTORE_URL');
// The per-user key store: shared with the projector and notifier through MongoDB, else a SQLite file in DATA_DIR.
const mongoUrl = read.optional('MONGO_URL');
const keysDatabase = read.text('KEYS_DATABASE', 'tessera_keys');
// The dev KYC provider sends users to the gateway's own page; the only provider adapter built so far.
const publicBaseUrl = read.text('PUBLIC_BASE_URL', 'http://127.0.0.1:8080');
const relayEnabled = read.oneOf('RELAY_ENABLED', 'true', ['true', 'false'] as const) === 'true';
const { identity: config, passwordHashing } = readIdentitySettings(read);
read.done();

const logger = createLogger('identity', { level: common.logLevel }).child({
  service: 'identity',
  instance: common.instanceId,
});
const keyring = loadKeyring(common.keysFile);
const metrics = createMetrics('identity');
// Up first: while the service waits for its dependencies, it answers live and starting.
const ops = await startOpsServer({ port: common.opsPort, registry: metrics.registry });
const eventStore = await connectEventStore({ eventStoreUrl, dataDir: common.dataDir }, logger);
const bus = await connectKafkaBus(common, logger);
const personalData = await connectPersonalData(
  { mongoUrl, database: keysDatabase, dataDir: common.dataDir, hashingKey: keyring.hashingKey },
  logger,
);
const checkpoints = createFileCheckpointStore(path.join(common.dataDir, 'relay-checkpoint.json'));
const identity = await composeIdentity(
  { eventStore, bus, personalData: personalData.protector, relayCheckpoints: checkpoints, metrics },
  { config, passwordHashing, keyring, kycPublicBaseUrl: publicBaseUrl, clock: () => new Date() },
  logger,
);
// One relay per event store is enough; extra identity instances set RELAY_ENABLED=false.
const relay = relayEnabled ? await identity.startRelay() : undefined;
ops.ready([
  {
    name: 'eventStore',
    check: async () => {
      await eventStore.headPosition();
    },
  },
  { name: 'kafka', check: () => bus.ping() },
  { name: 'keyStore', check: () => personalData.keyStore.ping() },
]);
logger.info(
  { opsPort: common.opsPort, relay: relayEnabled, eventStore: eventStoreUrl ? 'eventstoredb' : 'sqlite' },
  'identity started',
);

closeOnSignals(logger, async () => {
  await identity.commands.stop();
  await relay?.stop();
  checkpoints.flush();
  await bus.close();
  await eventStore.close();
  await personalData.keyStore.close();
  ops.close();
});
