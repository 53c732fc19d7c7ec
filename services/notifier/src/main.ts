/** The notifier as its own process: `OtpIssued` from Kafka to SMS, each code once. */
import path from 'node:path';
import { topics, type EventMessageValue } from '@tessera/contracts';
import { createLogger } from '@tessera/logging';
import { closeOnSignals, connectKafkaBus, connectViewStore, createMetrics, loadKeyring, readCommonSettings, readEnv, startOpsServer } from '@tessera/runtime';
import { createDevOutboxSms } from '@tessera/sms';
import { createDispatchLedger } from './application/dispatchLedger.ts';
import { createOtpNotifier } from './application/otpNotifier.ts';

const read = readEnv(process.env);
const common = readCommonSettings(read, 'notifier', 9467);
const mongoUrl = read.optional('MONGO_URL');
const database = read.text('MONGO_DATABASE', 'tessera_notifier');
const brand = read.text('SMS_BRAND', 'Tessera');
read.done();

const logger = createLogger('notifier', { level: common.logLevel }).child({ service: 'notifier', instance: common.instanceId });
const keyring = loadKeyring(common.keysFile);
const metrics = createMetrics('notifier');
const ledgerStore = await connectViewStore({ mongoUrl, database, sqliteFile: path.join(common.dataDir, 'notifier.sqlite') }, logger);
const bus = await connectKafkaBus(common, logger);
const notify = createOtpNotifier({
  // Until a real provider is configured, codes go to the outbox file only: stdout is a log channel here.
  sms: createDevOutboxSms({ dataDir: common.dataDir, print: null }),
  keyPair: keyring.notifierKeyPair,
  logger,
  clock: () => new Date(),
  messages: { brand },
  ledger: createDispatchLedger(ledgerStore),
  onDispatch: (outcome) => metrics.smsDispatches.inc({ outcome }),
});
const consumer = await bus.subscribe(topics.identityEvents, 'notifier', async (message) => {
  await notify(message);
  const event = message.value as EventMessageValue;
  metrics.consumedPosition.set({ group: 'notifier' }, event.position);
  metrics.consumerLag.set({ group: 'notifier' }, Math.max(0, (Date.now() - Date.parse(event.recordedAt)) / 1000));
}, { from: 'beginning' });
const ops = await startOpsServer({
  port: common.opsPort,
  registry: metrics.registry,
  readiness: [{ name: 'ledger', check: () => ledgerStore.ping() }, { name: 'kafka', check: () => bus.ping() }],
});
logger.info({ opsPort: common.opsPort }, 'notifier started');

closeOnSignals(logger, async () => {
  await consumer.stop();
  await bus.close();
  await ledgerStore.close();
  ops.close();
});
