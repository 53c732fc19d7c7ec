/**
 * Uniqueness of emails and phone numbers within one API client's users (ADR
 * 18): one reservation stream per client and normalised value, named by a
 * keyed hash, claimed with "no stream" expected.
 *
 * Reservations made before users were bound to their client are named by the
 * value alone. They still count: a lookup that finds nothing under the
 * client's name reads the old one, and takes its holder only if that user
 * belongs to the caller; a sign-up checks it too, so no client gets two users
 * with one email.
 */
import { streams, type EventMetadata } from '@tessera/contracts';
import { keyedHash } from '@tessera/crypto';
import type { EventStore } from '@tessera/event-store';
import {
  decideReservation,
  evolveReservation,
  type ReservationKind,
  type ReservationState,
} from '../domain/reservation.ts';
import { decideAndAppend, loadStream } from './decideAndAppend.ts';
import type { StreamStateCache } from './streamStateCache.ts';

export interface Reservations {
  /** The user of `clientId` holding the value, if registration completed. */
  holder(kind: ReservationKind, clientId: string, value: string): Promise<string | undefined>;
  /** Claims the value for `userId`; false when another user of the client holds it. */
  reserve(
    kind: ReservationKind,
    clientId: string,
    value: string,
    userId: string,
    metadata: EventMetadata,
  ): Promise<boolean>;
  /** Frees the value if `userId` holds it (erasure, an abandoned sign-up). */
  release(
    kind: ReservationKind,
    clientId: string,
    value: string,
    userId: string,
    metadata: EventMetadata,
  ): Promise<void>;
}

export interface ReservationOptions {
  store: EventStore;
  hashingKey: Buffer;
  cache: StreamStateCache;
  /** The API client of a user, read from its stream: an unscoped reservation counts only for that client. */
  clientOf(userId: string): Promise<string | undefined>;
  /** Whether a claim is old enough, with no user stream behind it, to be taken over (a crash mid sign-up). */
  abandoned(holderUserId: string, claimedAt: string | undefined): Promise<boolean>;
}

const unclaimed = (): ReservationState => ({});

export function createReservations(options: ReservationOptions): Reservations {
  const { store, hashingKey, cache } = options;
  const reservationStream = (kind: ReservationKind, hash: string) =>
    kind === 'email' ? streams.email(hash) : streams.phone(hash);
  const scoped = (kind: ReservationKind, clientId: string, value: string) =>
    reservationStream(kind, keyedHash(hashingKey, `client-${kind}`, clientId, value));
  const unscoped = (kind: ReservationKind, value: string) =>
    reservationStream(kind, keyedHash(hashingKey, kind, value));
  const holderOf = async (streamId: string) =>
    (await loadStream(store, streamId, evolveReservation, unclaimed, cache)).state.holderUserId;

  /** The holder of an unscoped reservation, if it is a user of `clientId`. */
  async function unscopedHolder(kind: ReservationKind, clientId: string, value: string): Promise<string | undefined> {
    const holder = await holderOf(unscoped(kind, value));
    return holder !== undefined && (await options.clientOf(holder)) === clientId ? holder : undefined;
  }

  return {
    async holder(kind, clientId, value) {
      return (await holderOf(scoped(kind, clientId, value))) ?? unscopedHolder(kind, clientId, value);
    },
    async reserve(kind, clientId, value, userId, metadata) {
      if ((await unscopedHolder(kind, clientId, value)) !== undefined) return false;
      const outcome = await decideAndAppend(
        store,
        scoped(kind, clientId, value),
        evolveReservation,
        unclaimed,
        async (state, stream) => {
          const holderAbandoned =
            state.holderUserId !== undefined &&
            (await options.abandoned(state.holderUserId, stream.lastEvent?.recordedAt));
          return decideReservation({ type: 'Reserve', kind, userId, holderAbandoned }, state);
        },
        metadata,
        cache,
      );
      return !outcome.decision.rejection;
    },
    async release(kind, clientId, value, userId, metadata) {
      for (const streamId of [scoped(kind, clientId, value), unscoped(kind, value)]) {
        await decideAndAppend(
          store,
          streamId,
          evolveReservation,
          unclaimed,
          (state) => decideReservation({ type: 'Release', kind, userId }, state),
          metadata,
          cache,
        );
      }
    },
  };
}
