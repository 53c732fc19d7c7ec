/**
 * Uniqueness of an email or phone number: one stream per normalised value
 * (named by its keyed hash), claimed with "no stream" expected, so two
 * concurrent sign-ups cannot both win on any event store.
 */
import { accept, reject, type Decision } from './decision.ts';
import type { IdentityEvent } from '@tessera/contracts';

export type ReservationKind = 'email' | 'phone';

export interface ReservationState {
  holderUserId?: string;
}

export function evolveReservation(state: ReservationState, event: IdentityEvent): ReservationState {
  switch (event.type) {
    case 'EmailReserved':
    case 'PhoneNumberReserved':
      return { holderUserId: event.data.userId };
    case 'EmailReservationReleased':
    case 'PhoneNumberReservationReleased':
      return {};
    default:
      return state;
  }
}

export type ReservationCommand =
  | {
      type: 'Reserve';
      kind: ReservationKind;
      userId: string;
      /** The holder never finished registering (crash); its claim lapses. */ holderAbandoned: boolean;
    }
  | { type: 'Release'; kind: ReservationKind; userId: string };

export function decideReservation(command: ReservationCommand, state: ReservationState): Decision {
  const reserved: IdentityEvent =
    command.kind === 'email'
      ? { type: 'EmailReserved', data: { userId: command.userId } }
      : { type: 'PhoneNumberReserved', data: { userId: command.userId } };
  const released: IdentityEvent =
    command.kind === 'email'
      ? { type: 'EmailReservationReleased', data: { userId: command.userId } }
      : { type: 'PhoneNumberReservationReleased', data: { userId: command.userId } };
  if (command.type === 'Release') return state.holderUserId === command.userId ? accept(released) : accept();
  // The holder claiming again (a retried phone number change) changes nothing.
  if (state.holderUserId === command.userId) return accept();
  if (state.holderUserId === undefined || command.holderAbandoned) return accept(reserved);
  return reject('REGISTRATION_CONFLICT');
}
