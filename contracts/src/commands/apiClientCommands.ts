/** API clients: registering one, or replacing its secret. */
import { Type, type Static } from '@sinclair/typebox';
import { command } from './commandSchema.ts';

/** `clientId` in the payload is the client being registered (or whose secret is replaced). */
export const RegisterApiClient = command(
  'RegisterApiClient',
  Type.Object({
    clientId: Type.String(),
    name: Type.String(),
    scopes: Type.Array(Type.String()),
    secretHash: Type.String(),
    /** Resources (absolute URIs) the client's tokens may name as audience beside the gateway's own; set at registration. */
    audiences: Type.Optional(Type.Array(Type.String())),
  }),
);

export type RegisterApiClient = Static<typeof RegisterApiClient>;
