import { userTokenScope } from '@tessera/contracts';
import type { FastifyReply } from 'fastify';

/** A login as identity answers it, after a right code or a refresh. */
export interface IssuedSession {
  userId: string;
  sessionId: string;
  familyId: string;
  roles: string[];
  refreshExpiresAt: string;
}

/** The tokens a login answers with: a user token signed now, and the refresh token whose hash identity stored. */
export function userTokens(
  reply: FastifyReply,
  options: { clientId: string; accessTokenTtlSeconds: number },
  session: IssuedSession,
  refreshToken: string,
) {
  const accessToken = reply.server.signAccessToken(
    {
      token_use: 'user',
      sub: session.userId,
      client_id: options.clientId,
      scope: userTokenScope,
      sid: session.sessionId,
      fam: session.familyId,
      roles: session.roles,
    },
    options.accessTokenTtlSeconds,
  );
  return {
    userId: session.userId,
    accessToken,
    tokenType: 'Bearer' as const,
    expiresIn: options.accessTokenTtlSeconds,
    refreshToken,
    refreshExpiresIn: Math.max(0, Math.floor((Date.parse(session.refreshExpiresAt) - Date.now()) / 1000)),
  };
}
