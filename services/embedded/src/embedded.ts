/**
 * The four services in one process on embedded adapters: SQLite event store
 * and read models, in-process bus, dev SMS outbox. Each service is composed
 * by its own compose function, as its main.ts composes it for a process of
 * its own; only the adapters chosen here differ.
 */
import { mkdirSync } from 'node:fs';
import { generateSecretToken, hashSecretToken } from '@tessera/crypto';
import { scopes, type EventMessageValue } from '@tessera/contracts';
import { composeGateway, createProjectionWatch, type ComposedGateway, type ProjectionWatch } from '@tessera/gateway';
import { composeIdentity, type Checkpointer, type Relay } from '@tessera/identity';
import { createLogger, type Logger, type LoggerOptions } from '@tessera/logging';
import type { Consumer } from '@tessera/messaging';
import { composeNotifier, createSmsSender } from '@tessera/notifier';
import { composeProjector } from '@tessera/projector';
import { createInMemoryRateLimitStore } from '@tessera/rate-limits';
import { openViews } from '@tessera/read-models/views';
import { loadOrCreateAuditKey, loadOrCreateKeyring, type Keyring } from '@tessera/runtime';
import type { SmsSender } from '@tessera/sms';
import type { EmbeddedConfig } from './config.ts';
import { ensureDevClient, type DevClientNotice } from './devClient.ts';
import { openEmbeddedAdapters, type EmbeddedAdapters } from './embeddedAdapters.ts';

/** Watches the event pipeline from outside (benchmarks); changes nothing the process does. */
export interface PipelineObserver {
  /** An identity event's views are written. */
  projected?(event: EventMessageValue): void;
  /** An SMS was handed to the provider (its send resolved); `reference` is the id of the event that asked for it. */
  smsHandedOver?(reference: string): void;
}

export interface EmbeddedOptions {
  logDestination?: LoggerOptions['destination'];
  /** Where the dev outbox prints its readable line; the terminal by default. */
  printSms?: ((line: string) => void) | null;
  /** Identity's, the notifier's and the rate limits' clock; tests move it to expire codes and end windows. */
  clock?: () => Date;
  observer?: PipelineObserver;
}

export interface RunningEmbedded {
  url: string;
  devClient: DevClientNotice;
  close(): Promise<void>;
}

/** The services composed on the embedded adapters, consuming but not yet listening. */
interface ComposedServices {
  consumers: Consumer[];
  relay: Relay;
  checkpointer: Checkpointer | undefined;
  gateway: ComposedGateway;
}

export async function startEmbedded(config: EmbeddedConfig, options: EmbeddedOptions = {}): Promise<RunningEmbedded> {
  mkdirSync(config.dataDir, { recursive: true });
  const logger = createLogger('tessera', {
    level: config.logLevel,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const { keyring } = loadOrCreateKeyring(config.dataDir);
  const adapters = await openEmbeddedAdapters(config.dataDir, keyring.hashingKey, logger);
  // The dev KYC provider's page is on this gateway, whose address is known once it listens.
  let listeningUrl = `http://${config.host}:${config.port}`;
  const services = await composeServices(adapters, keyring, config, options, logger, () => listeningUrl);
  const { app } = services.gateway;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await app.close();
      await services.relay.stop();
      for (const consumer of services.consumers) await consumer.stop();
      // Once nothing appends any more, the last checkpoint signs all of the log; the relay publishes it at the next start.
      await services.checkpointer?.stop();
      await adapters.close();
      logger.flush();
    })();
    return closing;
  };

  // The development client is made only once the server listens: made before a start that then failed
  // (the port taken), it would be remembered with a secret nobody saw, and never shown again.
  try {
    const url = await app.listen({ port: config.port, host: config.host });
    listeningUrl = url;
    const devClient = await ensureDevClient({
      dataDir: config.dataDir,
      identity: services.gateway.identity,
      apiClients: openViews(adapters.views).apiClients,
      configured: config.devClient,
      scopes: [scopes.usersWrite, scopes.usersRead],
      newSecret: generateSecretToken,
      hashSecret: hashSecretToken,
    });
    return { url, devClient, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

/**
 * Each service by its own composition. Consumers subscribe before the relay
 * starts, as the in-process bus keeps no messages; the gateway comes once the
 * relay has caught up, so its first reads find the views.
 */
async function composeServices(
  adapters: EmbeddedAdapters,
  keyring: Keyring,
  config: EmbeddedConfig,
  options: EmbeddedOptions,
  logger: Logger,
  listeningUrl: () => string,
): Promise<ComposedServices> {
  const { eventStore, views, bus, personalData } = adapters;
  const clock = options.clock ?? (() => new Date());
  const { keyFile, ...checkpoints } = config.audit;
  const identity = await composeIdentity(
    { eventStore, bus, personalData: personalData.protector, relayCheckpoints: adapters.relayCheckpoints },
    {
      config: config.identity,
      passwordHashing: config.passwordHashing,
      keyring,
      kycPublicBaseUrl: () => config.publicBaseUrl ?? listeningUrl(),
      clock,
      audit: { ...checkpoints, key: loadOrCreateAuditKey(keyFile).key },
    },
    logger.child({ service: 'identity' }),
  );
  // The gateway reads its writes back once the projector says so, instead of polling.
  const projections = createProjectionWatch();
  const projector = await composeProjector(
    {
      inBatches: true,
      bus,
      views,
      personalData: personalData.protector,
      onProjected: (event) => {
        projections.projected(event.position);
        options.observer?.projected?.(event);
      },
    },
    logger.child({ service: 'projector' }),
  );
  const notifierLogger = logger.child({ service: 'notifier' });
  const sms = observedSms(
    createSmsSender(config.sms, {
      dataDir: config.dataDir,
      logger: notifierLogger,
      ...(options.printSms === undefined ? {} : { print: options.printSms }),
    }),
    options.observer,
  );
  const notifier = await composeNotifier(
    { bus, ledgerStore: views, sms, personalData: personalData.protector },
    { keyPair: keyring.notifierKeyPair, brand: config.smsBrand, clock },
    notifierLogger,
  );
  const relay = await identity.startRelay();
  await relay.caughtUp;
  // Beside the relay, as in identity's own process; it signs a genesis checkpoint first if the log was just chained.
  const checkpointer = await identity.startCheckpointer();
  const gateway = await composeEmbeddedGateway(adapters, keyring, config, projections, clock, logger);
  return { consumers: [identity.commands, projector, ...notifier], relay, checkpointer, gateway };
}

function composeEmbeddedGateway(
  { bus, views, eventStore }: EmbeddedAdapters,
  keyring: Keyring,
  config: EmbeddedConfig,
  projections: ProjectionWatch,
  clock: () => Date,
  logger: Logger,
): Promise<ComposedGateway> {
  const eventStoreReady = { name: 'eventStore', check: async () => void (await eventStore.headPosition()) };
  return composeGateway(
    // One gateway in this process: its limits can be counted in memory.
    { bus, views, rateLimitStore: createInMemoryRateLimitStore({ clock }), readiness: [eventStoreReady], projections },
    {
      config: config.gateway,
      keyring,
      ...(config.kycWebhookSecret ? { kycWebhookSecret: config.kycWebhookSecret } : {}),
      ...(config.sms.plivo.length > 0
        ? {
            plivo: {
              authTokens: config.sms.plivo.map((account) => account.authToken),
              publicBaseUrl: config.publicBaseUrl ?? `http://${config.host}:${config.port}`,
            },
          }
        : {}),
    },
    logger.child({ service: 'gateway' }),
  );
}

/** The sender, telling the observer when each SMS has been handed over. */
function observedSms(sender: SmsSender, observer: PipelineObserver | undefined): SmsSender {
  const handedOver = observer?.smsHandedOver;
  if (!handedOver) return sender;
  return {
    ...sender,
    async send(message) {
      const receipt = await sender.send(message);
      handedOver(message.reference);
      return receipt;
    },
  };
}
