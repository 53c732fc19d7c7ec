/** Refreshing a login's tokens, logging out, a client revoking a refresh token, and the user ending their own logins. */
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
/** The user ends one of their logins (`familyId`, the sessions list's `sessionId`); their current one included. */
export const RevokeSession = command('RevokeSession', Type.Object({ userId: Type.String(), familyId: Type.String() }));
/** The user ends every login but the one they call from (`familyId`). */
export const RevokeOtherSessions = command(
  'RevokeOtherSessions',
  Type.Object({ userId: Type.String(), familyId: Type.String() }),
);

export type RefreshSession = Static<typeof RefreshSession>;
export type Logout = Static<typeof Logout>;
export type RevokeRefreshToken = Static<typeof RevokeRefreshToken>;
export type RevokeSession = Static<typeof RevokeSession>;
export type RevokeOtherSessions = Static<typeof RevokeOtherSessions>;
