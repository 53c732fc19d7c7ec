/**
 * Sessions: a refresh token is rotated on each use, a reused one ends its login, logout ends one login, and so does
 * the client revoking one of the login's refresh tokens; the user ends any of their logins, or all but the one they
 * call from.
 */
import { accept, reject, type Decision } from './decision.ts';
import { activeFamilyIds, familyOf } from './sessionsState.ts';
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
  | { type: 'Logout'; familyId: string }
  | { type: 'RevokeRefreshToken'; presentedTokenHash: string; /** The API client asking. */ clientId: string }
  | { type: 'RevokeSession'; familyId: string; now: string }
  | { type: 'RevokeOtherSessions'; callerFamilyId: string; now: string };

export const sessionRules: UserCommandRules<SessionCommand> = {
  RefreshSession: { decide: refresh, withoutUser: 'REFRESH_TOKEN_INVALID' },
  Logout: { decide: logout, withoutUser: 'UNAUTHENTICATED' },
  // An erased user's logins all ended with the erasure: nothing is left to revoke.
  RevokeRefreshToken: { decide: revokeRefreshToken, withoutUser: 'REFRESH_TOKEN_INVALID', doneOnceErased: true },
  RevokeSession: { decide: revokeSession, withoutUser: 'UNAUTHENTICATED' },
  RevokeOtherSessions: { decide: revokeOtherSessions, withoutUser: 'UNAUTHENTICATED' },
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

/**
 * RFC 7009: the client holding a refresh token ends the login it belongs to. A token already rotated away names its
 * login as the current one does. A token of another client (§2.1), or none of this user's, changes nothing and is
 * refused alike, so the caller learns nothing; revoking an ended login again records nothing.
 */
function revokeRefreshToken(
  command: Extract<SessionCommand, { type: 'RevokeRefreshToken' }>,
  state: UserState,
): Decision {
  const hash = command.presentedTokenHash;
  for (const [familyId, family] of Object.entries(state.families)) {
    if (family.currentTokenHash !== hash && !family.rotatedTokenHashes.includes(hash)) continue;
    // A login from before logins were bound to a client was made through the client the user belongs to (ADR 18).
    if ((family.clientId ?? state.clientId) !== command.clientId) return reject('REFRESH_TOKEN_INVALID');
    if (family.revoked) return accept();
    return accept({
      type: 'SessionsRevoked',
      data: { userId: state.userId, familyIds: [familyId], reason: 'TOKEN_REVOKED' },
    });
  }
  return reject('REFRESH_TOKEN_INVALID');
}

/**
 * Ends one of the user's logins, named as the sessions list names it. One
 * that is not theirs, has ended or has expired answers alike: the list never
 * showed it, and an id of another user's login must tell nothing.
 */
function revokeSession(command: Extract<SessionCommand, { type: 'RevokeSession' }>, state: UserState): Decision {
  if (!activeFamilyIds(state, command.now).includes(command.familyId)) return reject('SESSION_NOT_FOUND');
  return accept({
    type: 'SessionsRevoked',
    data: { userId: state.userId, familyIds: [command.familyId], reason: 'USER_REVOKED' },
  });
}

/** Ends every live login of the user but the caller's; with none to end, records nothing. */
function revokeOtherSessions(
  command: Extract<SessionCommand, { type: 'RevokeOtherSessions' }>,
  state: UserState,
): Decision {
  const familyIds = activeFamilyIds(state, command.now).filter((familyId) => familyId !== command.callerFamilyId);
  if (familyIds.length === 0) return accept();
  return accept({ type: 'SessionsRevoked', data: { userId: state.userId, familyIds, reason: 'USER_REVOKED' } });
}
