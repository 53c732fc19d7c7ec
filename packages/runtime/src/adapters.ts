/**
 * Picks and connects the adapters a distributed service asks for: Kafka for
 * the bus, MongoDB (or SQLite) for read models, EventStoreDB (or SQLite) for
 * events, MongoDB (or memory) for the gateways' request limits. Connection attempts repeat until the dependency answers, logging
 * each failure, so a service started before its dependencies waits for them.
 */
import path from 'node:path';
import { createEventStoreDbEventStore, createSqliteEventStore, type EventStore } from '@tessera/event-store';
import type { Logger } from '@tessera/logging';
import { createKafkaBus, type MessageBus } from '@tessera/messaging';
import {
  createMongoKeyStore,
  createPersonalDataProtector,
  createSqliteKeyStore,
  deriveKeyEncryptionKey,
  type PersonalDataKeyStore,
  type PersonalDataProtector,
} from '@tessera/personal-data';
import { createInMemoryRateLimitStore, createMongoRateLimitStore, type RateLimitStore } from '@tessera/rate-limits';
import { createMongoViewStore, createSqliteViewStore, type ViewStore } from '@tessera/read-models';
import type { CommonSettings } from './commonSettings.ts';
import { retryUntilReady } from './lifecycle.ts';

export async function connectKafkaBus(settings: CommonSettings, logger: Logger): Promise<MessageBus> {
  return retryUntilReady(
    'kafka',
    async () => {
      const bus = createKafkaBus({
        brokers: settings.kafkaBrokers,
        clientId: settings.instanceId,
        // Broker trouble lands in the service's structured log, one line each.
        logger: (level, message, extra) => logger[level]({ kafka: extra }, `kafka: ${message}`),
      });
      return closedUnlessAnswering(bus, () => bus.ping());
    },
    logger,
  );
}

/**
 * `adapter` once `check` passes; else closes it and throws, so a retried
 * connection leaves no half-made connections (and their own retries) behind.
 */
async function closedUnlessAnswering<T extends { close(): Promise<void> }>(
  adapter: T,
  check: () => Promise<unknown>,
): Promise<T> {
  try {
    await check();
    return adapter;
  } catch (error) {
    await adapter.close().catch(() => undefined);
    throw error;
  }
}

export async function connectViewStore(
  options: { mongoUrl?: string; database: string; sqliteFile: string },
  logger: Logger,
): Promise<ViewStore> {
  const { mongoUrl } = options;
  if (!mongoUrl) return createSqliteViewStore({ path: options.sqliteFile });
  return retryUntilReady(
    'mongodb',
    async () => {
      const store = await createMongoViewStore({ url: mongoUrl, database: options.database });
      return closedUnlessAnswering(store, () => store.ping());
    },
    logger,
  );
}

/** Where gateways count request limits: MongoDB, shared by every gateway, when MONGO_URL is set; in process otherwise. */
export async function connectRateLimitStore(
  options: { mongoUrl?: string; database: string },
  logger: Logger,
): Promise<RateLimitStore> {
  const { mongoUrl } = options;
  if (!mongoUrl) return createInMemoryRateLimitStore();
  return retryUntilReady(
    'mongodb',
    () => createMongoRateLimitStore({ url: mongoUrl, database: options.database }),
    logger,
  );
}

export async function connectEventStore(
  options: { eventStoreUrl?: string; dataDir: string },
  logger: Logger,
): Promise<EventStore> {
  const { eventStoreUrl } = options;
  if (!eventStoreUrl) return createSqliteEventStore({ path: path.join(options.dataDir, 'events.sqlite') });
  return retryUntilReady(
    'eventstoredb',
    async () => {
      const store = createEventStoreDbEventStore({ connectionString: eventStoreUrl });
      return closedUnlessAnswering(store, () => store.headPosition());
    },
    logger,
  );
}

/**
 * The per-user key store and the protector over it: MongoDB when `mongoUrl`
 * is set (shared by every process that reads personal data), else SQLite in
 * the data directory. User keys are wrapped under a key derived from the
 * keyring's hashing key.
 */
export async function connectPersonalData(
  options: { mongoUrl?: string; database: string; dataDir: string; hashingKey: Buffer; cachedKeys?: number },
  logger: Logger,
): Promise<{ keyStore: PersonalDataKeyStore; protector: PersonalDataProtector }> {
  const { mongoUrl } = options;
  const keyStore = mongoUrl
    ? await retryUntilReady(
        'mongodb (keys)',
        () => createMongoKeyStore({ url: mongoUrl, database: options.database }),
        logger,
      )
    : createSqliteKeyStore({ path: path.join(options.dataDir, 'personal-data-keys.sqlite') });
  return {
    keyStore,
    protector: createPersonalDataProtector({
      keyStore,
      keyEncryptionKey: deriveKeyEncryptionKey(options.hashingKey),
      ...(options.cachedKeys ? { cacheSize: options.cachedKeys } : {}),
    }),
  };
}
