/**
 * The signed-in user's own sessions: the live logins and the devices they
 * were made from, and ending one of them, or all but the one calling. An
 * ended login's refresh token stops working and its access tokens are
 * refused from the moment the call answers, as after a logout.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  Envelope,
  example,
  ReadHeaders,
  RevokedSessionsData,
  SessionIdParams,
  UserSessionsData,
  WriteHeaders,
  type UserSession,
} from '@tessera/contracts';
import type { ViewCollection } from '@tessera/read-models';
import type { SessionView } from '@tessera/read-models/views';
import type { FastifyRequest } from 'fastify';
import { success } from '../envelope.ts';
import type { IdentityClient } from '../identityClient.ts';
import { waitForView, type ProjectionWatch } from '../readYourWrites.ts';
import { answers } from '../routeAnswers.ts';
import { commandSender } from './identityCommands.ts';
import { answersAreNotStored } from './noStore.ts';

export interface UserSessionsRoutesOptions {
  sessions: ViewCollection<SessionView>;
  identity: IdentityClient;
  readYourWritesTimeoutMs: number;
  projections?: ProjectionWatch | undefined;
}

const userAuth = [{ userAuth: [] }];

const sessionsExample = {
  sessions: [
    {
      sessionId: example.loginFamilyId,
      clientId: example.clientId,
      device: { id: example.deviceId, name: "Ada's iPhone", platform: 'IOS' as const },
      createdAt: example.createdAt,
      lastUsedAt: example.activatedAt,
      current: true,
    },
    {
      sessionId: example.otherLoginFamilyId,
      clientId: example.clientId,
      device: { name: 'Firefox on the office PC', platform: 'WEB' as const },
      createdAt: example.openedAt,
      lastUsedAt: example.openedAt,
      current: false,
    },
  ],
};

const revokeLink = {
  revokeSession: {
    operationId: 'revokeSession',
    description: 'End one of the sessions listed.',
    parameters: { sessionId: '$response.body#/data/sessions/0/sessionId' },
  },
};

const listSchema = {
  tags: ['user'],
  operationId: 'listSessions',
  summary: "The user's live sessions and their devices",
  description:
    'Every login of the user that has not ended or expired, oldest first: the API client it was made through, the device it declared at login, when it started and when it was last refreshed. `current` marks the login of the calling user token.',
  security: userAuth,
  headers: ReadHeaders,
  response: {
    200: Envelope(UserSessionsData, { description: 'The live sessions.', example: sessionsExample }),
    ...answers('userRead'),
  },
};

const revokeSchema = {
  tags: ['user'],
  operationId: 'revokeSession',
  summary: 'End one of the user’s sessions',
  description:
    "Ends the session named: its refresh token stops working and its access tokens are refused from the moment this answers. Ending the calling session is allowed (as a logout). A session that is not the user's, has ended or has expired answers 404 SESSION_NOT_FOUND.",
  security: userAuth,
  headers: ReadHeaders,
  params: SessionIdParams,
  response: {
    200: Envelope(RevokedSessionsData, {
      description: 'The session ended.',
      example: { revokedSessionIds: [example.otherLoginFamilyId] },
    }),
    ...answers('userRead', {
      400: ['MALFORMED_BODY'],
      404: ['SESSION_NOT_FOUND'],
      413: ['BODY_TOO_LARGE'],
      414: ['URI_TOO_LONG'],
      415: ['UNSUPPORTED_MEDIA_TYPE'],
      503: ['DEPENDENCY_UNAVAILABLE'],
    }),
  },
};

const revokeOthersSchema = {
  tags: ['user'],
  operationId: 'revokeOtherSessions',
  summary: 'End every session but this one',
  description:
    'Ends every live session of the user except the one the calling user token belongs to; their refresh tokens stop working and their access tokens are refused from the moment this answers.',
  security: userAuth,
  headers: WriteHeaders,
  response: {
    200: Envelope(RevokedSessionsData, {
      description: 'The sessions ended (none if there were no others).',
      example: { revokedSessionIds: [example.otherLoginFamilyId] },
    }),
    ...answers('userWrite'),
  },
};

/** A live login as the list shows it; undefined for one ended, expired, or written before sessions were listed. */
function listed(view: SessionView, now: string, currentFamilyId: string): UserSession | undefined {
  const { familyId, clientId, device, createdAt, lastUsedAt, expiresAt } = view;
  if (view.revoked || !createdAt || !expiresAt || expiresAt <= now) return undefined;
  return {
    sessionId: familyId,
    clientId: clientId ?? '',
    ...(device ? { device: device as UserSession['device'] } : {}),
    createdAt,
    lastUsedAt: lastUsedAt ?? createdAt,
    current: familyId === currentFamilyId,
  };
}

export const userSessionRoutes: FastifyPluginAsyncTypebox<UserSessionsRoutesOptions> = async (app, options) => {
  const send = commandSender(options.identity);
  answersAreNotStored(app);

  /** Answers once every login ended is seen ended by the gateway, so their tokens are refused from now on. */
  async function ended(familyIds: string[], position: number | undefined): Promise<void> {
    const watched = position === undefined ? undefined : { watch: options.projections, position };
    await Promise.all(
      familyIds.map((familyId) =>
        waitForView(
          () => options.sessions.get(familyId),
          (session) => session.revoked,
          options.readYourWritesTimeoutMs,
          watched,
        ),
      ),
    );
  }

  const caller = (request: FastifyRequest) => ({ userId: request.userClaims!.sub, familyId: request.userClaims!.fam });

  app.get(
    '/v1/user/sessions',
    { preHandler: app.requireUser(), schema: listSchema, links: { 200: revokeLink } },
    async (request) => {
      const { userId, familyId } = caller(request);
      const now = new Date().toISOString();
      const views = await options.sessions.findBy('userId', userId);
      const sessions = views
        .map((view) => listed(view, now, familyId))
        .filter((session): session is UserSession => session !== undefined)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      return success({ sessions });
    },
  );

  app.delete(
    '/v1/user/sessions/:sessionId',
    { preHandler: app.requireUser(), schema: revokeSchema },
    async (request) => {
      const { userId } = caller(request);
      const { data, position } = await send(request, 'RevokeSession', { userId, familyId: request.params.sessionId });
      await ended(data.revokedSessionIds, position);
      return success(data);
    },
  );

  app.post(
    '/v1/user/sessions/revoke-others',
    { preHandler: app.requireUser(), schema: revokeOthersSchema },
    async (request) => {
      const { data, position } = await send(request, 'RevokeOtherSessions', caller(request));
      await ended(data.revokedSessionIds, position);
      return success(data);
    },
  );
};
