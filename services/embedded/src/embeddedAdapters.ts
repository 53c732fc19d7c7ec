/**
 * The adapters of the embedded default, all in the data folder: SQLite event
 * store and views (which commit in batches), the in-process bus (which
 * delivers in batches), per-user keys in their own file, the relay's
 * checkpoint. Both capabilities are named in the types, so the composition
 * can offer them to the projector knowingly.
 */
import path from 'node:path';
import { createSqliteEventStore, type EventStore } from '@tessera/event-store';
import { createFileCheckpointStore } from '@tessera/identity';
import type { Logger } from '@tessera/logging';
import { createInProcessBus, type BatchSubscribingBus } from '@tessera/messaging';
import type { PersonalDataKeyStore, PersonalDataProtector } from '@tessera/personal-data';
import { createSqliteViewStore, type BatchCommittingViewStore } from '@tessera/read-models';
import { connectPersonalData } from '@tessera/runtime';

export interface EmbeddedAdapters {
  eventStore: EventStore;
  views: BatchCommittingViewStore;
  bus: BatchSubscribingBus;
  personalData: { keyStore: PersonalDataKeyStore; protector: PersonalDataProtector };
  relayCheckpoints: ReturnType<typeof createFileCheckpointStore>;
  /** Closes them all, the bus before the stores its consumers write. */
  close(): Promise<void>;
}

export async function openEmbeddedAdapters(
  dataDir: string,
  hashingKey: Buffer,
  logger: Logger,
): Promise<EmbeddedAdapters> {
  const eventStore = createSqliteEventStore({ path: path.join(dataDir, 'events.sqlite') });
  const views = createSqliteViewStore({ path: path.join(dataDir, 'views.sqlite') });
  const bus = createInProcessBus({
    onHandlerError: (error, topic, group) => logger.error({ err: error, topic, group }, 'message handler failed'),
  });
  // Per-user keys live in their own file, outside the event log, so destroying one erases that user from the log.
  const personalData = await connectPersonalData({ database: '', dataDir, hashingKey }, logger);
  const relayCheckpoints = createFileCheckpointStore(path.join(dataDir, 'relay-checkpoint.json'));
  return {
    eventStore,
    views,
    bus,
    personalData,
    relayCheckpoints,
    async close() {
      relayCheckpoints.flush();
      await bus.close();
      await eventStore.close();
      await views.close();
      await personalData.keyStore.close();
    },
  };
}
