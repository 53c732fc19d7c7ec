/** Recovery codes: a signed-in user generates a new set, with the password again or a step-up token. */
import { Type, type Static } from '@sinclair/typebox';
import { command } from './commandSchema.ts';

/**
 * `userId` and `familyId` are the user token's (`sub`, its login); the calling client is the metadata's.
 * Either `sealedSecrets` (sealed JSON `{password}`) or `stepUp`, the ids of a step-up token the gateway verified
 * (its `sid` and `jti`, for the same `sub`), which identity consumes in the same decision.
 */
export const GenerateRecoveryCodes = command(
  'GenerateRecoveryCodes',
  Type.Object({
    userId: Type.String(),
    familyId: Type.String(),
    sealedSecrets: Type.Optional(Type.String()),
    stepUp: Type.Optional(Type.Object({ stepUpId: Type.String(), tokenId: Type.String() })),
  }),
);

export type GenerateRecoveryCodes = Static<typeof GenerateRecoveryCodes>;
