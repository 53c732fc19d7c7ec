/**
 * The four services in one process on embedded adapters: SQLite event store
 * and read models, in-process bus, dev SMS outbox. The same service code runs
 * distributed; only the adapters chosen here differ.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createPasswordHasher, deriveKey, generateSecretToken, hashSecretToken } from '@tessera/crypto';
import { createSqliteEventStore } from '@tessera/event-store';
import {
  buildGateway,
  createBusIdentityClient,
  createProjectionWatch,
  devKycWebhookSecret,
  gatewayRateLimitKeyPurpose,
  identityReadiness,
} from '@tessera/gateway';
import {
  createFileCheckpointStore,
  createIdentityService,
  loadBreachedPasswordList,
  serveIdentityCommands,
  startRelay,
} from '@tessera/identity';
import { createLogger, type LoggerOptions } from '@tessera/logging';
import { createInProcessBus } from '@tessera/messaging';
import { createSmsSender, startNotifier } from '@tessera/notifier';
import { createBatchProjector } from '@tessera/projector';
import { openViews } from '@tessera/read-models/views';
import { createInMemoryRateLimitStore } from '@tessera/rate-limits';
import { createSqliteViewStore } from '@tessera/read-models';
import { topics, scopes, type EventMessageValue } from '@tessera/contracts';
import type { SmsSender } from '@tessera/sms';
import type { EmbeddedConfig } from './config.ts';
import { createDevKycProvider, createDevWalletIssuer } from '@tessera/providers';
import { connectPersonalData, loadOrCreateKeyring } from '@tessera/runtime';
import { ensureDevClient, type DevClientNotice } from './devClient.ts';

export interface EmbeddedOptions {
  logDestination?: LoggerOptions['destination'];
  /** Where the dev outbox prints its readable line; the terminal by default. */
  printSms?: ((line: string) => void) | null;
  /** Identity's, the notifier's and the rate limits' clock; tests move it to expire codes and end windows. */
  clock?: () => Date;
  /** Hears of each identity event once the projector has written its views (benchmarks measure projection lag here). */
  onProjected?: (event: EventMessageValue) => void;
  /** Wraps the configured SMS sender (benchmarks time the hand-off to the provider). */
  wrapSms?: (sender: SmsSender) => SmsSender;
}

export interface RunningEmbedded {
  url: string;
  devClient: DevClientNotice;
  close(): Promise<void>;
}

export async function startEmbedded(config: EmbeddedConfig, options: EmbeddedOptions = {}): Promise<RunningEmbedded> {
  mkdirSync(config.dataDir, { recursive: true });
  const logger = createLogger('tessera', {
    level: config.logLevel,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const { keyring } = loadOrCreateKeyring(config.dataDir);

  const eventStore = createSqliteEventStore({ path: path.join(config.dataDir, 'events.sqlite') });
  const viewStore = createSqliteViewStore({ path: path.join(config.dataDir, 'views.sqlite') });
  const bus = createInProcessBus({
    onHandlerError: (error, topic, group) => logger.error({ err: error, topic, group }, 'message handler failed'),
  });
  const clock = options.clock ?? (() => new Date());
  let listeningUrl = `http://${config.host}:${config.port}`;
  // Per-user keys live in their own file, outside the event log, so destroying one erases that user from the log.
  const personalData = await connectPersonalData(
    { database: '', dataDir: config.dataDir, hashingKey: keyring.hashingKey },
    logger,
  );

  const breachedPasswords = loadBreachedPasswordList();
  logger.child({ service: 'identity' }).info({ entries: breachedPasswords.size }, 'breached-password list loaded');
  const identity = createIdentityService({
    eventStore,
    personalData: personalData.protector,
    // The dev provider's page is on this gateway, whose address is known once it listens.
    kycProvider: createDevKycProvider({ publicBaseUrl: () => config.publicBaseUrl ?? listeningUrl }),
    wallet: createDevWalletIssuer(),
    passwordHasher: await createPasswordHasher(config.passwordHashing),
    breachedPasswords,
    keys: {
      hashingKey: keyring.hashingKey,
      commandKeyPair: keyring.commandKeyPair,
      notifierPublicKey: keyring.notifierKeyPair.publicKey,
    },
    config: config.identity,
    clock,
  });
  // The gateway below reads its writes back once the projector says so, instead of polling.
  const projections = createProjectionWatch();
  const onProjected = (event: EventMessageValue) => {
    projections.projected(event.position);
    options.onProjected?.(event);
  };
  const consumers = [
    await serveIdentityCommands(bus, identity, logger.child({ service: 'identity' }), keyring.commandKeyPair),
    // In batches: the events of one relay publish share a view commit, rather than each waiting for its own.
    await bus.subscribeInBatches(
      topics.identityEvents,
      'projector',
      createBatchProjector({
        store: viewStore,
        logger: logger.child({ service: 'projector' }),
        personalData: personalData.protector,
        onProjected,
      }).handleBatch,
    ),
    ...(await startNotifier({
      bus,
      ledgerStore: viewStore,
      sms: (options.wrapSms ?? ((sender: SmsSender) => sender))(
        createSmsSender(config.sms, {
          dataDir: config.dataDir,
          logger: logger.child({ service: 'notifier' }),
          ...(options.printSms === undefined ? {} : { print: options.printSms }),
        }),
      ),
      keyPair: keyring.notifierKeyPair,
      personalData: personalData.protector,
      logger: logger.child({ service: 'notifier' }),
      clock,
      brand: config.smsBrand,
    })),
  ];
  const checkpoints = createFileCheckpointStore(path.join(config.dataDir, 'relay-checkpoint.json'));
  const relay = await startRelay({ eventStore, bus, checkpoints, logger: logger.child({ service: 'relay' }) });
  await relay.caughtUp;

  const identityClient = createBusIdentityClient(bus, {
    timeoutMs: 10_000,
    commandPublicKey: keyring.commandKeyPair.publicKey,
    hashingKey: keyring.hashingKey,
  });
  const gateway = await buildGateway({
    identity: identityClient,
    views: viewStore,
    signingKeys: keyring.signingKeys,
    commandPublicKey: keyring.commandKeyPair.publicKey,
    config: config.gateway,
    logger: logger.child({ service: 'gateway' }),
    readiness: [
      {
        name: 'eventStore',
        check: async () => {
          await eventStore.headPosition();
        },
      },
      identityReadiness(bus),
    ],
    // One gateway in this process: its limits can be counted in memory.
    rateLimitStore: createInMemoryRateLimitStore({ clock }),
    rateLimitHashKey: deriveKey(keyring.hashingKey, gatewayRateLimitKeyPurpose),
    kyc: { webhookSecret: config.kycWebhookSecret ?? devKycWebhookSecret(keyring.hashingKey), devPages: true },
    projections,
    ...(config.sms.plivo.length > 0
      ? {
          plivoWebhook: {
            authTokens: config.sms.plivo.map((account) => account.authToken),
            publicBaseUrl: config.publicBaseUrl ?? `http://${config.host}:${config.port}`,
            publish: (report) =>
              bus.publish(topics.smsDeliveryReports, [{ key: report.providerMessageId, value: report, headers: {} }]),
          },
        }
      : {}),
  });
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await gateway.close();
      await relay.stop();
      checkpoints.flush();
      for (const consumer of consumers) await consumer.stop();
      await bus.close();
      await eventStore.close();
      await viewStore.close();
      await personalData.keyStore.close();
      logger.flush();
    })();
    return closing;
  };

  // The development client is made only once the server listens: made before a start that then failed
  // (the port taken), it would be remembered with a secret nobody saw, and never shown again.
  let url: string;
  let devClient: DevClientNotice;
  try {
    url = await gateway.listen({ port: config.port, host: config.host });
    listeningUrl = url;
    devClient = await ensureDevClient({
      dataDir: config.dataDir,
      identity: identityClient,
      apiClients: openViews(viewStore).apiClients,
      configured: config.devClient,
      scopes: [scopes.usersWrite, scopes.usersRead],
      newSecret: generateSecretToken,
      hashSecret: hashSecretToken,
    });
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  return { url, devClient, close };
}
