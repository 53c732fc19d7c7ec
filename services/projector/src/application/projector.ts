/**
 * Applies identity events from the bus to the read models, idempotently
 * (each write is guarded by the event's position) and checkpointed, so
 * at-least-once delivery and restarts leave the views exact.
 */
import { eventHeaders, type EventMessageValue } from '@tessera/contracts';
import type { Logger } from '@tessera/logging';
import type { PersonalDataReader } from '@tessera/personal-data';
import type { Message } from '@tessera/messaging';
import type { ViewCollection, ViewStore } from '@tessera/read-models';
import {
  projectAccount,
  projectApiClient,
  projectKycIdentification,
  projectPortfolio,
  projectUser,
} from './projections.ts';
import {
  collections,
  PROJECTOR_CHECKPOINT,
  type AccountView,
  type ApiClientView,
  type KycIdentificationView,
  type PortfolioView,
  type SessionView,
  type UserView,
} from './views.ts';

export interface Projector {
  /** Applies one event; resolves once its writes are stored. */
  handle(message: Message): Promise<void>;
  /**
   * Applies events in order; resolves once all their writes are stored. On a
   * store whose reads see writes at once, the writes of all the events are
   * made first and their commits awaited together: one commit for the batch
   * rather than one per event. Throws if any write failed; applying the
   * batch again is harmless, as every write is guarded by its position.
   */
  handleBatch(messages: Message[]): Promise<void>;
}

export function openViews(store: ViewStore) {
  return {
    users: store.collection<UserView>(collections.users, { indexes: ['clientId'] }),
    accounts: store.collection<AccountView>(collections.accounts, { indexes: ['userId'] }),
    portfolios: store.collection<PortfolioView>(collections.portfolios, { indexes: ['accountId'] }),
    kycIdentifications: store.collection<KycIdentificationView>(collections.kycIdentifications),
    apiClients: store.collection<ApiClientView>(collections.apiClients),
    sessions: store.collection<SessionView>(collections.sessions),
  };
}

/** A write made, and its promise, which settles once the store has it. */
type Written = { stored: Promise<unknown> };

/** Reads the document, projects the event onto it and makes the write; resolves once the write is made, not stored. */
async function apply<T extends object>(
  collection: ViewCollection<T>,
  id: string,
  event: EventMessageValue,
  project: (current: T | undefined, event: EventMessageValue) => T | undefined,
): Promise<Written | undefined> {
  if (!id) return undefined;
  const next = project(await collection.get(id), event);
  return next ? { stored: observed(collection.upsert(id, next, event.position)) } : undefined;
}

export interface ProjectorOptions {
  store: ViewStore;
  logger: Logger;
  personalData: PersonalDataReader;
  /** Hears of each event once its view writes are done: where projection lag is measured. */
  onProjected?: (event: EventMessageValue) => void;
}

export function createProjector(options: ProjectorOptions): Projector {
  const { store, logger, personalData } = options;
  const views = openViews(store);
  // The highest position applied. Not used to skip events: with several
  // partitions, positions arrive out of global order; documents guard themselves.
  let highest: number | undefined;
  /**
   * Makes an event's writes: resolves once they are made, with their promises.
   * An event's writes touch different documents, each guarded by the position,
   * so they go out together: a store that commits in groups commits them once.
   */
  async function write(received: EventMessageValue, type: string): Promise<Promise<unknown>[]> {
    highest ??= await store.getCheckpoint(PROJECTOR_CHECKPOINT);
    if (type === 'PersonalDataErased') personalData.forget(String(received.data.userId));
    // Views hold what queries need in clear; for an erased user the fields read empty.
    const event = { ...received, data: (await personalData.reveal(received.type, received.data)).data };
    const applied: Promise<Written | undefined>[] = [];
    const stored: Promise<unknown>[] = [];
    if (event.streamId.startsWith('user-')) {
      applied.push(apply(views.users, String(event.data.userId ?? ''), event, projectUser));
      if (type === 'AccountOpened' || type === 'AccountActivated' || type === 'PortfolioCreated') {
        applied.push(apply(views.accounts, String(event.data.accountId ?? ''), event, projectAccount));
      }
      if (type === 'PortfolioCreated')
        applied.push(apply(views.portfolios, String(event.data.portfolioId ?? ''), event, projectPortfolio));
      if (type === 'KycStarted' || type === 'KycApproved' || type === 'KycRejected') {
        applied.push(
          apply(views.kycIdentifications, String(event.data.identificationId ?? ''), event, projectKycIdentification),
        );
      }
      if (type === 'SessionStarted') {
        stored.push(
          observed(
            views.sessions.upsert(
              String(event.data.familyId),
              { familyId: String(event.data.familyId), userId: String(event.data.userId), revoked: false },
              event.position,
            ),
          ),
        );
      }
      if (type === 'SessionsRevoked') {
        for (const familyId of (event.data.familyIds as string[]) ?? []) {
          stored.push(
            observed(
              views.sessions.upsert(
                familyId,
                {
                  familyId,
                  userId: String(event.data.userId),
                  revoked: true,
                  revokedReason: String(event.data.reason),
                },
                event.position,
              ),
            ),
          );
        }
      }
    } else if (event.streamId.startsWith('client-')) {
      applied.push(apply(views.apiClients, String(event.data.clientId ?? ''), event, projectApiClient));
    }
    // The checkpoint only says how far the projector has got (it skips nothing), so it may go with the views.
    if (event.position > highest) {
      highest = event.position;
      stored.push(observed(store.setCheckpoint(PROJECTOR_CHECKPOINT, event.position)));
    }
    // Made in turn, each a read then a write; a failed read fails the event, as a failed write will.
    for (const made of await Promise.all(applied)) if (made) stored.push(made.stored);
    return stored;
  }

  const typeOf = (message: Message) => message.headers[eventHeaders.type] ?? (message.value as EventMessageValue).type;

  /** What follows the stored writes of an event: purging after an erasure, and telling who listens. */
  async function projected(received: EventMessageValue, type: string): Promise<void> {
    // After the scrubbed documents are written: purging removes what they overwrote.
    if (type === 'PersonalDataErased') await store.purge();
    logger.debug({ eventId: received.eventId, type, position: received.position }, 'projected');
    options.onProjected?.(received);
  }

  const handle = async (message: Message): Promise<void> => {
    const received = message.value as EventMessageValue;
    const type = typeOf(message);
    await settleAll(await write(received, type));
    await projected(received, type);
  };

  return {
    handle,
    async handleBatch(messages) {
      if (!store.readsSeeWritesAtOnce) {
        for (const message of messages) await handle(message);
        return;
      }
      let pending: { received: EventMessageValue; type: string }[] = [];
      let stored: Promise<unknown>[] = [];
      const settle = async () => {
        // Everything is written: commit now rather than a turn of the event loop later, which readers wait for.
        store.commitPending?.();
        await settleAll(stored);
        for (const { received, type } of pending) await projected(received, type);
        pending = [];
        stored = [];
      };
      for (const message of messages) {
        const received = message.value as EventMessageValue;
        const type = typeOf(message);
        stored.push(...(await write(received, type)));
        pending.push({ received, type });
        // An erasure purges what its writes overwrote: that needs them stored first.
        if (type === 'PersonalDataErased') await settle();
      }
      await settle();
    },
  };
}

/**
 * Marks a write's promise as observed: it may fail before the batch gets to
 * await it, and an unobserved rejection would end the process. The failure
 * still reaches whoever awaits the promise itself.
 */
function observed<T>(write: Promise<T>): Promise<T> {
  write.catch(() => undefined);
  return write;
}

/** Waits for every write, then throws the first failure: none is left unobserved. */
async function settleAll(stored: Promise<unknown>[]): Promise<void> {
  const outcomes = await Promise.allSettled(stored);
  const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed) throw failed.reason;
}
