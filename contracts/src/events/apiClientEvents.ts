/** API clients (partners): registered, and their secret replaced. */
import { Type } from '@sinclair/typebox';
import { event, Id } from './eventSchema.ts';

export const apiClientEvents = {
  ApiClientRegistered: event(
    'ApiClientRegistered',
    2,
    Type.Object({
      clientId: Id,
      name: Type.String(),
      scopes: Type.Array(Type.String()),
      /** Keyed BLAKE2b of the 256-bit secret: secrets are random, so a fast hash is enough. */
      secretHash: Type.String(),
      /**
       * Since version 2: the resources (absolute URIs) the client's tokens may name as audience beside the
       * gateway's own (RFC 8707); absent in version 1, read as none.
       */
      audiences: Type.Optional(Type.Array(Type.String())),
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
