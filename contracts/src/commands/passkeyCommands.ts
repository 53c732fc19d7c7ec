/**
 * Passkeys: a signed-in user asks for creation options, registers the
 * credential the browser made, lists and removes passkeys. `userId` and
 * `familyId` are the user token's (`sub`, its login); the calling client is the
 * metadata's, and its relying party is identity's configuration.
 */
import { Type, type Static } from '@sinclair/typebox';
import { command } from './commandSchema.ts';

const SignedIn = { userId: Type.String(), familyId: Type.String() };

/** `userName` is what the authenticator shows beside the passkey (the app's choice, usually the email). */
export const StartPasskeyRegistration = command(
  'StartPasskeyRegistration',
  Type.Object({ ...SignedIn, userName: Type.String({ minLength: 1, maxLength: 256 }) }),
);
/**
 * `response`: the browser's RegistrationResponseJSON, verified by identity. Binding a new authenticator asks the user
 * again: either `sealedSecrets` (sealed JSON `{password}`) or `stepUp`, the ids of a MANAGE_PASSKEYS step-up token the
 * gateway verified (its `sid` and `jti`, for the same `sub`), which identity consumes in the same decision.
 */
export const RegisterPasskey = command(
  'RegisterPasskey',
  Type.Object({
    ...SignedIn,
    response: Type.Record(Type.String(), Type.Unknown()),
    sealedSecrets: Type.Optional(Type.String()),
    stepUp: Type.Optional(Type.Object({ stepUpId: Type.String(), tokenId: Type.String() })),
  }),
);
export const RemovePasskey = command('RemovePasskey', Type.Object({ ...SignedIn, credentialId: Type.String() }));
export const ListPasskeys = command('ListPasskeys', Type.Object(SignedIn));

export type StartPasskeyRegistration = Static<typeof StartPasskeyRegistration>;
export type RegisterPasskey = Static<typeof RegisterPasskey>;
export type RemovePasskey = Static<typeof RemovePasskey>;
export type ListPasskeys = Static<typeof ListPasskeys>;
