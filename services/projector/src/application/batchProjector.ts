/**
 * The projector over a store that commits writes in groups (SQLite, embedded):
 * the events of one delivery are written together and their commits awaited
 * once, rather than each event waiting for its own commit.
 */
import type { EventMessageValue } from '@tessera/contracts';
import type { Message } from '@tessera/messaging';
import type { BatchCommittingViewStore } from '@tessera/read-models';
import { projectorOver, typeOf, type Projector, type ProjectorOptions } from './projector.ts';
import { createViewWriter, settleAll } from './viewWriter.ts';

export interface BatchProjector extends Projector {
  /**
   * Applies events in order; resolves once all their writes are stored. The
   * writes of all the events are made first (the store's reads see them at
   * once) and their commits awaited together: one commit for the batch rather
   * than one per event. Throws if any write failed; applying the batch again
   * is harmless, as every write is guarded by its position.
   */
  handleBatch(messages: Message[]): Promise<void>;
}

export function createBatchProjector(options: ProjectorOptions & { store: BatchCommittingViewStore }): BatchProjector {
  const { store } = options;
  const writer = createViewWriter(options);
  return {
    ...projectorOver(writer),
    async handleBatch(messages) {
      let pending: { received: EventMessageValue; type: string }[] = [];
      let stored: Promise<unknown>[] = [];
      const settle = async () => {
        // Everything is written: commit now rather than a turn of the event loop later, which readers wait for.
        store.commitPending();
        await settleAll(stored);
        for (const { received, type } of pending) await writer.projected(received, type);
        pending = [];
        stored = [];
      };
      for (const message of messages) {
        const received = message.value as EventMessageValue;
        const type = typeOf(message);
        stored.push(...(await writer.write(received, type)));
        pending.push({ received, type });
        // An erasure purges what its writes overwrote: that needs them stored first.
        if (type === 'PersonalDataErased') await settle();
      }
      await settle();
    },
  };
}
