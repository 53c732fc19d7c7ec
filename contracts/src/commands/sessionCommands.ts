/** Refreshing a login's tokens, and logging out. */
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

export type RefreshSession = Static<typeof RefreshSession>;
export type Logout = Static<typeof Logout>;
