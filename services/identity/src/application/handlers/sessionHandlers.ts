/** Refreshing a login's tokens, logging out, a client revoking a refresh token, and the user ending their own logins. */
import type { Decision } from '../../domain/decision.ts';
import { familyOf } from '../../domain/userState.ts';
import { replyTo, type CommandHandler, type CommandHandlers } from './commandHandler.ts';

/** The reply names the family the rotation was recorded on, read from the event rather than searched for. */
const refreshSession: CommandHandler<'RefreshSession'> = async (command, context) => {
  const { payload } = command;
  const outcome = await context.decideOnEmail(command, payload.email, {
    type: 'RefreshSession',
    presentedTokenHash: payload.presentedTokenHash,
    newRefreshTokenHash: payload.newRefreshTokenHash,
    now: context.clock().toISOString(),
    clientId: command.metadata.clientId,
  });
  return replyTo(outcome, () => {
    const [rotated] = outcome.decision.events;
    if (rotated?.type !== 'RefreshTokenRotated') throw new Error('a refresh was accepted without a rotation');
    const { familyId } = rotated.data;
    const family = familyOf(outcome.state, familyId)!;
    const { userId, roles } = outcome.state;
    return { userId, sessionId: family.sessionId, familyId, roles, refreshExpiresAt: family.expiresAt };
  });
};

const logout: CommandHandler<'Logout'> = async (command, context) => {
  const { userId, familyId } = command.payload;
  const outcome = await context.decideOnUser(command, userId, { type: 'Logout', familyId });
  return replyTo(outcome, () => ({ loggedOut: true as const }));
};

/** The user is the one the token names; the decider checks the token is one of theirs, of the calling client. */
const revokeRefreshToken: CommandHandler<'RevokeRefreshToken'> = async (command, context) => {
  const { userId, presentedTokenHash } = command.payload;
  const outcome = await context.decideOnUser(command, userId, {
    type: 'RevokeRefreshToken',
    presentedTokenHash,
    clientId: command.metadata.clientId,
  });
  return replyTo(outcome, () => {
    const [revoked] = outcome.decision.events;
    return revoked?.type === 'SessionsRevoked' ? { revokedFamilyId: revoked.data.familyIds[0]! } : {};
  });
};

const revokeSession: CommandHandler<'RevokeSession'> = async (command, context) => {
  const { userId, familyId } = command.payload;
  const now = context.clock().toISOString();
  const outcome = await context.decideOnUser(command, userId, { type: 'RevokeSession', familyId, now });
  return replyTo(outcome, () => ({ revokedSessionIds: revokedFamilies(outcome.decision) }));
};

const revokeOtherSessions: CommandHandler<'RevokeOtherSessions'> = async (command, context) => {
  const { userId, familyId: callerFamilyId } = command.payload;
  const now = context.clock().toISOString();
  const outcome = await context.decideOnUser(command, userId, { type: 'RevokeOtherSessions', callerFamilyId, now });
  return replyTo(outcome, () => ({ revokedSessionIds: revokedFamilies(outcome.decision) }));
};

/** The logins a decision ended, read from its events. */
function revokedFamilies(decision: Decision): string[] {
  return decision.events.flatMap((event) => (event.type === 'SessionsRevoked' ? event.data.familyIds : []));
}

export const sessionHandlers: CommandHandlers<
  'RefreshSession' | 'Logout' | 'RevokeRefreshToken' | 'RevokeSession' | 'RevokeOtherSessions'
> = {
  RefreshSession: refreshSession,
  Logout: logout,
  RevokeRefreshToken: revokeRefreshToken,
  RevokeSession: revokeSession,
  RevokeOtherSessions: revokeOtherSessions,
};
