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
import { projectAccount, projectApiClient, projectKycIdentification, projectPortfolio, projectUser } from './projections.ts';
import {
  collections, PROJECTOR_CHECKPOINT, type AccountView, type ApiClientView, type KycIdentificationView, type PortfolioView, type SessionView, type UserView,
} from './views.ts';

export interface Projector {
  handle(message: Message): Promise<void>;
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

async function apply<T extends object>(collection: ViewCollection<T>, id: string, event: EventMessageValue, project: (current: T | undefined, event: EventMessageValue) => T | undefined) {
  if (!id) return;
  const next = project(await collection.get(id), event);
  if (next) await collection.upsert(id, next, event.position);
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
  return {
    async handle(message) {
      highest ??= await store.getCheckpoint(PROJECTOR_CHECKPOINT);
      const received = message.value as EventMessageValue;
      const type = message.headers[eventHeaders.type] ?? received.type;
      if (type === 'PersonalDataErased') personalData.forget(String(received.data.userId));
      // Views hold what queries need in clear; for an erased user the fields read empty.
      const event = { ...received, data: (await personalData.reveal(received.type, received.data)).data };
      // An event's writes touch different documents, each guarded by the position, so they go out together: a
      // store that commits in groups then commits them once, rather than once per write in turn.
      const writes: Promise<unknown>[] = [];
      if (event.streamId.startsWith('user-')) {
        writes.push(apply(views.users, String(event.data.userId ?? ''), event, projectUser));
        if (type === 'AccountOpened' || type === 'AccountActivated' || type === 'PortfolioCreated') {
          writes.push(apply(views.accounts, String(event.data.accountId ?? ''), event, projectAccount));
        }
        if (type === 'PortfolioCreated') writes.push(apply(views.portfolios, String(event.data.portfolioId ?? ''), event, projectPortfolio));
        if (type === 'KycStarted' || type === 'KycApproved' || type === 'KycRejected') {
          writes.push(apply(views.kycIdentifications, String(event.data.identificationId ?? ''), event, projectKycIdentification));
        }
        if (type === 'SessionStarted') {
          writes.push(views.sessions.upsert(String(event.data.familyId), { familyId: String(event.data.familyId), userId: String(event.data.userId), revoked: false }, event.position));
        }
        if (type === 'SessionsRevoked') {
          for (const familyId of (event.data.familyIds as string[]) ?? []) {
            writes.push(views.sessions.upsert(familyId, { familyId, userId: String(event.data.userId), revoked: true, revokedReason: String(event.data.reason) }, event.position));
          }
        }
      } else if (event.streamId.startsWith('client-')) {
        writes.push(apply(views.apiClients, String(event.data.clientId ?? ''), event, projectApiClient));
      }
      // The checkpoint only says how far the projector has got (it skips nothing), so it may go with the views.
      if (event.position > highest) {
        highest = event.position;
        writes.push(store.setCheckpoint(PROJECTOR_CHECKPOINT, event.position));
      }
      await Promise.all(writes);
      // After the scrubbed documents are written: purging removes what they overwrote.
      if (type === 'PersonalDataErased') await store.purge();
      logger.debug({ eventId: event.eventId, type, position: event.position }, 'projected');
      options.onProjected?.(received);
    },
  };
}
