/** Sign-up and erasure. */
import { Type, type Static } from '@sinclair/typebox';
import { command } from './commandSchema.ts';

/** Sealed JSON `{password}` */
export const RegisterUser = command(
  'RegisterUser',
  Type.Object({
    email: Type.String(),
    phoneNumber: Type.String(),
    roles: Type.Array(Type.String()),
    locale: Type.Optional(Type.String()),
    sealedSecrets: Type.String(),
  }),
);
/**
 * Erasure (right to be forgotten), by an account manager: the user's data key
 * is destroyed, `PersonalDataErased` recorded, sessions revoked, email and
 * phone freed, read models scrubbed. Repeating it answers the same.
 */
export const ErasePersonalData = command('ErasePersonalData', Type.Object({ userId: Type.String() }));

export type RegisterUser = Static<typeof RegisterUser>;
export type ErasePersonalData = Static<typeof ErasePersonalData>;
