import type { EventStore, RecordedEvent } from '@tessera/event-store';
import type { PersonalDataProtector } from './protector.ts';

/**
 * The event store as the user's own service sees it: personal fields are
 * encrypted on the way in and decrypted on the way out. The store itself,
 * and whatever reads it directly (the relay, exports, Kafka), holds only
 * ciphertext.
 */
export function withPersonalDataProtection(store: EventStore, protector: PersonalDataProtector): EventStore {
  const reveal = async (event: RecordedEvent): Promise<RecordedEvent> => {
    const { data } = await protector.reveal(event.type, event.data);
    return data === event.data ? event : { ...event, data };
  };
  return {
    async append(streamId, events, options) {
      const protectedEvents = await Promise.all(
        events.map(async (event) => ({ ...event, data: await protector.protect(event.type, event.data) })),
      );
      return store.append(streamId, protectedEvents, options);
    },
    async readStream(streamId, options) {
      return Promise.all((await store.readStream(streamId, options)).map(reveal));
    },
    async readAll(options) {
      return Promise.all((await store.readAll(options)).map(reveal));
    },
    subscribeToAll(handler, options) {
      return store.subscribeToAll(async (event) => handler(await reveal(event)), options);
    },
    headPosition: () => store.headPosition(),
    close: () => store.close(),
  };
}
