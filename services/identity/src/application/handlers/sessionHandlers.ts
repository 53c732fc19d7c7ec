/** Refreshing a login's tokens, and logging out. */
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

export const sessionHandlers: CommandHandlers<'RefreshSession' | 'Logout'> = {
  RefreshSession: refreshSession,
  Logout: logout,
};
