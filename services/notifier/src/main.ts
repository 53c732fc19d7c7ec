/** The notifier as its own process: `OtpIssued` from Kafka to SMS, each code once. */
import path from 'node:path';
import { createLogger } from '@tessera/logging';
import {
  closeOnSignals,
  connectKafkaBus,
  connectPersonalData,
  connectViewStore,
  createMetrics,
  loadKeyring,
  readCommonSettings,
  readEnv,
  startOpsServer,
} from '@tessera/runtime';
import { createSmsSender, readSmsSettings } from './smsSettings.ts';
import { composeNotifier } from './composeNotifier.ts';

const read = readEnv(process.env);
const common = readCommonSettings(read, 'notifier', 9467);
const mongoUrl = read.optional('MONGO_URL');
const database = read.text('MONGO_DATABASE', 'tessera_notifier');
const brand = read.text('SMS_BRAND', 'Tessera');
const keysDatabase = read.text('KEYS_DATABASE', 'tessera_keys');
const smsSettings = readSmsSettings(read);
read.done();

const logger = createLogger('notifier', { level: common.logLevel }).child({
  service: 'notifier',
  instance: common.instanceId,
});
const keyring = loadKeyring(common.keysFile);
const metrics = createMetrics('notifier');
// Up first: while the service waits for its dependencies, it answers live and starting.
const ops = await startOpsServer({ port: common.opsPort, registry: metrics.registry });
const ledgerStore = await connectViewStore(
  { mongoUrl, database, sqliteFile: path.join(common.dataDir, 'notifier.sqlite') },
  logger,
);
const bus = await connectKafkaBus(common, logger);
// Codes and numbers are encrypted with each user's key: the notifier reads the key store identity writes.
const personalData = await connectPersonalData(
  { mongoUrl, database: keysDatabase, dataDir: common.dataDir, hashingKey: keyring.hashingKey },
  logger,
);
const consumers = await composeNotifier(
  {
    bus,
    ledgerStore,
    // Without a provider configured, codes go to the outbox file only: stdout is a log channel here.
    sms: createSmsSender(smsSettings, { dataDir: common.dataDir, logger, print: null }),
    personalData: personalData.protector,
    metrics,
  },
  { keyPair: keyring.notifierKeyPair, brand, clock: () => new Date() },
  logger,
);
ops.ready([
  { name: 'ledger', check: () => ledgerStore.ping() },
  { name: 'kafka', check: () => bus.ping() },
  { name: 'keyStore', check: () => personalData.keyStore.ping() },
]);
logger.info({ opsPort: common.opsPort }, 'notifier started');

closeOnSignals(logger, async () => {
  for (const consumer of consumers) await consumer.stop();
  await bus.close();
  await ledgerStore.close();
  await personalData.keyStore.close();
  ops.close();
});
