/**
 * The projector composed from its adapters, the same in its own process
 * (main.ts) and in the embedded default: identity events from the bus into
 * the views. A composition root whose bus delivers in batches and whose store
 * commits in batches says so (`inBatches`), and each publish is then one commit.
 */
import { topics, type EventMessageValue } from '@tessera/contracts';
import type { Logger } from '@tessera/logging';
import type { BatchSubscribingBus, Consumer, MessageBus } from '@tessera/messaging';
import type { PersonalDataReader } from '@tessera/personal-data';
import type { BatchCommittingViewStore, ViewStore } from '@tessera/read-models';
import { createBatchProjector } from './application/batchProjector.ts';
import { createProjector } from './application/projector.ts';

/** Event by event on any bus and store; in batches only where both can. */
export type ProjectorDelivery =
  | { inBatches: false; bus: MessageBus; views: ViewStore }
  | { inBatches: true; bus: BatchSubscribingBus; views: BatchCommittingViewStore };

export type ProjectorAdapters = ProjectorDelivery & {
  personalData: PersonalDataReader;
  /** Hears of each event once its views are written (read-your-writes, metrics). */
  onProjected?: (event: EventMessageValue) => void;
};

/** The consumer group the projector reads identity events in. */
const GROUP = 'projector';

export async function composeProjector(adapters: ProjectorAdapters, logger: Logger): Promise<Consumer> {
  const { personalData, onProjected } = adapters;
  if (adapters.inBatches) {
    const projector = createBatchProjector({ store: adapters.views, logger, personalData, onProjected });
    // The events of one relay publish share a view commit, rather than each waiting for its own.
    return adapters.bus.subscribeInBatches(topics.identityEvents, GROUP, projector.handleBatch);
  }
  const projector = createProjector({ store: adapters.views, logger, personalData, onProjected });
  return adapters.bus.subscribe(topics.identityEvents, GROUP, projector.handle, { from: 'beginning' });
}
