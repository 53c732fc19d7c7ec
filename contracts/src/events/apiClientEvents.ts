/** API clients (partners): registered, and their secret replaced. */
import { Type } from '@sinclair/typebox';
import { event, Id } from './eventSchema.ts';

export const apiClientEvents = {
  ApiClientRegistered: event(
    'ApiClientRegistered',
    1,
    Type.Object({
      clientId: Id,
      name: Type.String(),
      scopes: Type.Array(Type.String()),
      /** Keyed BLAKE2b of the 256-bit secret: secrets are random, so a fast hash is enough. */
      secretHash: Type.String(),
    }),
  ),
  ApiClientSecretRotated: event(
    'ApiClientSecretRotated',
    1,
    Type.Object({
      clientId: Id,
      secretHash: Type.String(),
    }),
  ),
} as const;
