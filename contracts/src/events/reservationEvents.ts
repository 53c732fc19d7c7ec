/** Uniqueness of emails and phone numbers: one stream per value, claimed and freed. */
import { Type } from '@sinclair/typebox';
import { event, Id } from './eventSchema.ts';

export const reservationEvents = {
  EmailReserved: event('EmailReserved', 1, Type.Object({ userId: Id })),
  EmailReservationReleased: event('EmailReservationReleased', 1, Type.Object({ userId: Id })),
  PhoneNumberReserved: event('PhoneNumberReserved', 1, Type.Object({ userId: Id })),
  PhoneNumberReservationReleased: event('PhoneNumberReservationReleased', 1, Type.Object({ userId: Id })),
} as const;
