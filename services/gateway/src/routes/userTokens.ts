import { userTokenScope } from '@tessera/contracts';
import type { ViewCollection } from '@tessera/read-models';
import type { ApiClientView } from '@tessera/read-models/views';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { refreshTokenOf } from '../refreshTokens.ts';
import { callingClientOf } from './identityCommands.ts';

/** A login as identity answers it, after a right code or a refresh. */
export interface IssuedSession {
  userId: string;
  sessionId: string;
  familyId: string;
  roles: string[];
  refreshExpiresAt: string;
}

/**
 * A user token names the gateway's own audience and every resource its client is registered with, so that one
 * token works on Tessera's API and on the partner's own services. Without such resources, the one audience alone.
 */
export async function userTokenAudience(
  request: FastifyRequest,
  apiClients: ViewCollection<ApiClientView>,
): Promise<string | string[]> {
  const own = request.server.tokenAudience();
  const resources = (await apiClients.get(callingClientOf(request)))?.audiences ?? [];
  const others = resources.filter((resource) => resource !== own);
  return others.length === 0 ? own : [own, ...others];
}

/** The tokens a login answers with: a user token signed now, and the refresh token whose secret's hash identity stored. */
export function userTokens(
  reply: FastifyReply,
  options: { clientId: string; accessTokenTtlSeconds: number; audience: string | string[] },
  session: IssuedSession,
  refreshSecret: string,
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
    options.audience,
  );
  return {
    userId: session.userId,
    accessToken,
    tokenType: 'Bearer' as const,
    expiresIn: options.accessTokenTtlSeconds,
    refreshToken: refreshTokenOf(session.userId, refreshSecret),
    refreshExpiresIn: Math.max(0, Math.floor((Date.parse(session.refreshExpiresAt) - Date.now()) / 1000)),
  };
}
