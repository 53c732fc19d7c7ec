/** A user comes into being, and is erased. */
import { Type } from '@sinclair/typebox';
import { event, Id, Instant } from './eventSchema.ts';

export const registrationEvents = {
  UserRegistered: event(
    'UserRegistered',
    1,
    Type.Object({
      userId: Id,
      /** Lower-cased, trimmed. */
      email: Type.String(),
      /** E.164. */
      phoneNumber: Type.String(),
      /** argon2id string (never the password). */
      passwordHash: Type.String(),
      roles: Type.Array(Type.String()),
      clientId: Id,
      /** BCP 47 language of the user's messages (`fr`, `en-GB`); absent: chosen from the phone's country. */
      locale: Type.Optional(Type.String()),
    }),
  ),
  PersonalDataErased: event(
    'PersonalDataErased',
    1,
    Type.Object({
      userId: Id,
      /** The user's data key was destroyed: the personal-data fields of this user's earlier events no longer open anywhere. */
      erasedAt: Instant,
    }),
  ),
} as const;
