/** Sessions: a refresh token is rotated on each use, a reused one ends its login, and logout ends one login. */
import { accept, reject, type Decision } from './decision.ts';
import { familyOf } from './sessionsState.ts';
import type { UserCommandRules } from './userDecider.ts';
import type { UserState } from './userState.ts';

export type SessionCommand =
  | {
      type: 'RefreshSession';
      presentedTokenHash: string;
      newRefreshTokenHash: string;
      now: string;
      /** The API client presenting the token. */ clientId: string;
    }
  | { type: 'Logout'; familyId: string };

export const sessionRules: UserCommandRules<SessionCommand> = {
  RefreshSession: { decide: refresh, withoutUser: 'REFRESH_TOKEN_INVALID' },
  Logout: { decide: logout, withoutUser: 'UNAUTHENTICATED' },
};

function refresh(command: Extract<SessionCommand, { type: 'RefreshSession' }>, state: UserState): Decision {
  const { userId } = state;
  for (const [familyId, family] of Object.entries(state.families)) {
    // RFC 6749 §6: a refresh token is bound to the client it was issued to. Another client's
    // presentation is refused without touching the session: it proves no theft by the holder.
    if (family.clientId !== undefined && family.clientId !== command.clientId) continue;
    if (family.currentTokenHash === command.presentedTokenHash) {
      if (family.revoked || command.now >= family.expiresAt) return reject('REFRESH_TOKEN_INVALID');
      return accept({
        type: 'RefreshTokenRotated',
        data: {
          userId,
          familyId,
          previousTokenHash: family.currentTokenHash,
          refreshTokenHash: command.newRefreshTokenHash,
        },
      });
    }
    if (family.rotatedTokenHashes.includes(command.presentedTokenHash)) {
      // A rotated token came back: either the user or a thief holds a copy, so neither may keep the session.
      if (family.revoked) return reject('REFRESH_TOKEN_INVALID');
      return reject('REFRESH_TOKEN_INVALID', [
        { type: 'RefreshTokenReuseDetected', data: { userId, familyId } },
        { type: 'SessionsRevoked', data: { userId, familyIds: [familyId], reason: 'REFRESH_TOKEN_REUSE' } },
      ]);
    }
  }
  return reject('REFRESH_TOKEN_INVALID');
}

/** Ends the login the caller named, if it is still alive; logging out twice records nothing more. */
function logout(command: Extract<SessionCommand, { type: 'Logout' }>, state: UserState): Decision {
  const family = familyOf(state, command.familyId);
  if (!family || family.revoked) return accept();
  return accept({
    type: 'SessionsRevoked',
    data: { userId: state.userId, familyIds: [command.familyId], reason: 'LOGOUT' },
  });
}
