/**
 * What the projector does with one event: reads the documents it touches,
 * projects the event onto them and makes the writes, each guarded by the
 * event's position; then, once they are stored, what follows them.
 */
import type { EventMessageValue } from '@tessera/contracts';
import type { Logger } from '@tessera/logging';
import type { PersonalDataReader } from '@tessera/personal-data';
import type { ViewCollection, ViewStore } from '@tessera/read-models';
import { openViews, type SessionView, type Views } from '@tessera/read-models/views';
import { asProjectedEvent, userIdOf, type ProjectedEvent } from './projectedEvent.ts';
import {
  endedSession,
  projectAccount,
  projectApiClient,
  projectKycIdentification,
  projectPortfolio,
  projectSession,
  projectUser,
} from './projections.ts';

/** The checkpoint the projector keeps in the views' store. */
export const PROJECTOR_CHECKPOINT = 'projector';

export interface ViewWriterOptions {
  store: ViewStore;
  logger: Logger;
  personalData: PersonalDataReader;
  /** Hears of each event once its view writes are done: read-your-writes waits on it, metrics and benchmarks count it. */
  onProjected?: (event: EventMessageValue) => void;
}

export interface ViewWriter {
  /**
   * Makes an event's writes: resolves once they are made, with their promises,
   * which settle once the store has them.
   */
  write(received: EventMessageValue, type: string): Promise<Promise<unknown>[]>;
  /** What follows the stored writes of an event: purging after an erasure, and telling who listens. */
  projected(received: EventMessageValue, type: string): Promise<void>;
}

/** A write made, and its promise, which settles once the store has it. */
type Written = { stored: Promise<unknown> };

/** Reads the document, projects the event onto it and makes the write; resolves once the write is made, not stored. */
async function apply<T extends object>(
  collection: ViewCollection<T>,
  id: string,
  event: ProjectedEvent,
  project: (current: T | undefined, event: ProjectedEvent) => T | undefined,
): Promise<Written | undefined> {
  if (!id) return undefined;
  const next = project(await collection.get(id), event);
  return next ? { stored: observed(collection.upsert(id, next, event.position)) } : undefined;
}

/** An event's writes: those that read their document first (applied), and those made at once (made). */
interface EventWrites {
  applied: Promise<Written | undefined>[];
  made: Promise<unknown>[];
}

function writesOf(views: Views, event: ProjectedEvent): EventWrites {
  if (event.streamId.startsWith('user-')) return userWrites(views, event);
  if (event.streamId.startsWith('client-')) {
    const clientId = ('clientId' in event.data && event.data.clientId) || '';
    return { applied: [apply(views.apiClients, clientId, event, projectApiClient)], made: [] };
  }
  // Reservation streams hold no view.
  return { applied: [], made: [] };
}

/** The writes of one event of a user's stream. */
function userWrites(views: Views, event: ProjectedEvent): EventWrites {
  const applied = [apply(views.users, userIdOf(event), event, projectUser)];
  const made: Promise<unknown>[] = [];
  const sessionWrite = (familyId: string, session: SessionView | undefined) =>
    session && made.push(observed(views.sessions.upsert(familyId, session, event.position)));
  switch (event.type) {
    case 'AccountOpened':
    case 'AccountActivated':
      applied.push(apply(views.accounts, event.data.accountId, event, projectAccount));
      break;
    case 'PortfolioCreated':
      applied.push(apply(views.accounts, event.data.accountId, event, projectAccount));
      applied.push(apply(views.portfolios, event.data.portfolioId, event, projectPortfolio));
      break;
    case 'KycStarted':
    case 'KycApproved':
    case 'KycRejected':
      applied.push(apply(views.kycIdentifications, event.data.identificationId, event, projectKycIdentification));
      break;
    case 'SessionStarted':
      sessionWrite(event.data.familyId, projectSession(undefined, event));
      break;
    case 'RefreshTokenRotated':
      // A refresh is a hot path: one read of the login, and a write only while it lives.
      applied.push(apply(views.sessions, event.data.familyId, event, projectSession));
      break;
    case 'SessionsRevoked':
      for (const familyId of event.data.familyIds)
        sessionWrite(familyId, endedSession(familyId, event.data.userId, event.data.reason));
      break;
    case 'StepUpConsumed': {
      const { tokenId, userId, stepUpId } = event.data;
      const consumed = { tokenId, userId, stepUpId, consumedAt: event.recordedAt };
      made.push(observed(views.stepUpTokens.upsert(tokenId, consumed, event.position)));
      break;
    }
  }
  return { applied, made };
}

export function createViewWriter(options: ViewWriterOptions): ViewWriter {
  const { store, logger, personalData } = options;
  const views = openViews(store);
  // The highest position applied. Not used to skip events: with several
  // partitions, positions arrive out of global order; documents guard themselves.
  let highest: number | undefined;

  return {
    /**
     * An event's writes touch different documents, each guarded by the
     * position, so they go out together: a store that commits in groups
     * commits them once.
     */
    async write(received, type) {
      highest ??= await store.getCheckpoint(PROJECTOR_CHECKPOINT);
      if (type === 'PersonalDataErased') personalData.forget(String(received.data.userId));
      // Views hold what queries need in clear; for an erased user the fields read empty.
      const revealed = (await personalData.reveal(received.type, received.data)).data;
      const event = asProjectedEvent({ ...received, data: revealed });
      const { applied, made: stored } = writesOf(views, event);
      // The checkpoint only says how far the projector has got (it skips nothing), so it may go with the views.
      if (event.position > highest) {
        highest = event.position;
        stored.push(observed(store.setCheckpoint(PROJECTOR_CHECKPOINT, event.position)));
      }
      // Made in turn, each a read then a write; a failed read fails the event, as a failed write will.
      for (const written of await Promise.all(applied)) if (written) stored.push(written.stored);
      return stored;
    },
    async projected(received, type) {
      // After the scrubbed documents are written: purging removes what they overwrote.
      if (type === 'PersonalDataErased') await store.purge();
      logger.debug({ eventId: received.eventId, type, position: received.position }, 'projected');
      options.onProjected?.(received);
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
export async function settleAll(stored: Promise<unknown>[]): Promise<void> {
  const outcomes = await Promise.allSettled(stored);
  const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed) throw failed.reason;
}
