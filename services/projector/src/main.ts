/** The projector as its own process: identity events from Kafka into MongoDB (or SQLite) read models. */
import path from 'node:path';
import { createLogger } from '@tessera/logging';
import {
  closeOnSignals,
  connectKafkaBus,
  connectPersonalData,
  connectViewStore,
  loadKeyring,
  createMetrics,
  readCommonSettings,
  readEnv,
  startOpsServer,
} from '@tessera/runtime';
import { composeProjector } from './composeProjector.ts';

const read = readEnv(process.env);
const common = readCommonSettings(read, 'projector', 9466);
const mongoUrl = read.optional('MONGO_URL');
const database = read.text('MONGO_DATABASE', 'tessera');
const keysDatabase = read.text('KEYS_DATABASE', 'tessera_keys');
read.done();

const logger = createLogger('projector', { level: common.logLevel }).child({
  service: 'projector',
  instance: common.instanceId,
});
const metrics = createMetrics('projector');
// Up first: while the service waits for its dependencies, it answers live and starting.
const ops = await startOpsServer({ port: common.opsPort, registry: metrics.registry });
const views = await connectViewStore(
  { mongoUrl, database, sqliteFile: path.join(common.dataDir, 'views.sqlite') },
  logger,
);
const bus = await connectKafkaBus(common, logger);
// Views that must show email and phone decrypt them with the user's key; an erased user's read empty.
const personalData = await connectPersonalData(
  { mongoUrl, database: keysDatabase, dataDir: common.dataDir, hashingKey: loadKeyring(common.keysFile).hashingKey },
  logger,
);
const consumer = await composeProjector(
  {
    inBatches: false,
    bus,
    views,
    personalData: personalData.protector,
    onProjected: (event) => {
      metrics.consumedPosition.set({ group: 'projector' }, event.position);
      metrics.consumerLag.set({ group: 'projector' }, Math.max(0, (Date.now() - Date.parse(event.recordedAt)) / 1000));
    },
  },
  logger,
);
ops.ready([
  { name: 'readModels', check: () => views.ping() },
  { name: 'kafka', check: () => bus.ping() },
  { name: 'keyStore', check: () => personalData.keyStore.ping() },
]);
logger.info({ opsPort: common.opsPort, readModels: mongoUrl ? 'mongodb' : 'sqlite' }, 'projector started');

closeOnSignals(logger, async () => {
  await consumer.stop();
  await bus.close();
  await views.close();
  await personalData.keyStore.close();
  ops.close();
});
