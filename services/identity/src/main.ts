/**
 * Identity as its own process: commands from `identity.commands.v1`, events
 * into EventStoreDB (or SQLite when EVENTSTORE_URL is unset), the relay
 * that publishes them to `identity.events.v1`, and the checkpointer that
 * signs the log with the audit key (AUDIT_KEY_FILE).
 */
import path from 'node:path';
import { createLogger } from '@tessera/logging';
import {
  closeOnSignals,
  connectEventStore,
  connectKafkaBus,
  connectPersonalData,
  createMetrics,
  loadAuditKey,
  loadKeyring,
  readCommonSettings,
  readEnv,
  startOpsServer,
} from '@tessera/runtime';
import { createFileCheckpointStore } from './adapters/fileCheckpointStore.ts';
import { composeIdentity } from './composeIdentity.ts';
import { readAuditCheckpointSettings, readIdentitySettings } from './identityEnv.ts';

const read = readEnv(process.env);
const common = readCommonSettings(read, 'identity', 9465);
const eventStoreUrl = read.optional('EVENTSTORE_URL');
// The per-user key store: shared with the projector and notifier through MongoDB, else a SQLite file in DATA_DIR.
const mongoUrl = read.optional('MONGO_URL');
const keysDatabase = read.text('KEYS_DATABASE', 'tessera_keys');
// The dev KYC provider sends users to the gateway's own page; the only provider adapter built so far.
const publicBaseUrl = read.text('PUBLIC_BASE_URL', 'http://127.0.0.1:8080');
const relayEnabled = read.oneOf('RELAY_ENABLED', 'true', ['true', 'false'] as const) === 'true';
// The checkpointer runs beside the relay and signs with the audit key, kept apart from the keyring (ADR 32).
// Required rather than made here: a key made in a container's own folder would be lost, or differ, at the next deploy.
const auditKeyFile = relayEnabled
  ? read.required(
      'AUDIT_KEY_FILE',
      'path of the audit key that signs log checkpoints (npm run keys:generate -- --audit <file>)',
    )
  : undefined;
const auditCheckpoints = readAuditCheckpointSettings(read);
const { identity: config, passwordHashing } = readIdentitySettings(read);
read.done();

const logger = createLogger('identity', { level: common.logLevel }).child({
  service: 'identity',
  instance: common.instanceId,
});
const keyring = loadKeyring(common.keysFile);
const auditKey = auditKeyFile ? loadAuditKey(path.resolve(auditKeyFile)) : undefined;
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
  {
    config,
    passwordHashing,
    keyring,
    kycPublicBaseUrl: publicBaseUrl,
    clock: () => new Date(),
    ...(auditKey ? { audit: { ...auditCheckpoints, key: auditKey } } : {}),
  },
  logger,
);
// One relay, and one checkpointer, per event store is enough; extra identity instances set RELAY_ENABLED=false.
const relay = relayEnabled ? await identity.startRelay() : undefined;
const checkpointer = relayEnabled ? await identity.startCheckpointer() : undefined;
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
  // The last checkpoint is signed before the relay stops, which publishes it if it reads it in time (else at the next start).
  await checkpointer?.stop();
  await relay?.stop();
  checkpoints.flush();
  await bus.close();
  await eventStore.close();
  await personalData.keyStore.close();
  ops.close();
});
