/** Refreshing a login's tokens, logging out, and a client revoking a refresh token. */
import { Type, type Static } from '@sinclair/typebox';
import { command } from './commandSchema.ts';

export const RefreshSession = command(
  'RefreshSession',
  Type.Object({
    email: Type.String(),
    presentedTokenHash: Type.String(),
    newRefreshTokenHash: Type.String(),
  }),
);
/** Ends one login: its refresh tokens stop working and its access tokens are refused. */
export const Logout = command('Logout', Type.Object({ userId: Type.String(), familyId: Type.String() }));

/**
 * RFC 7009: the client that holds a refresh token ends its login. The token names its user (`<userId>.<secret>`);
 * only the hash of its secret travels. The calling client (metadata) must be the one the login was made through.
 */
export const RevokeRefreshToken = command(
  'RevokeRefreshToken',
  Type.Object({ userId: Type.String(), presentedTokenHash: Type.String() }),
);

export type RefreshSession = Static<typeof RefreshSession>;
export type Logout = Static<typeof Logout>;
export type RevokeRefreshToken = Static<typeof RevokeRefreshToken>;
