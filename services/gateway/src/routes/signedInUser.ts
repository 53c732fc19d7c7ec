/** What a signed-in user (user token) can do: read their profile, log out. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ApiError, Envelope, example, MeData, ReadHeaders, WriteHeaders } from '@tessera/contracts';
import type { ViewCollection } from '@tessera/read-models';
import type { SessionView, UserView } from '@tessera/read-models/views';
import { success } from '../envelope.ts';
import type { IdentityClient } from '../identityClient.ts';
import { waitForView } from '../readYourWrites.ts';
import { answers } from '../routeAnswers.ts';

export interface UserRoutesOptions {
  users: ViewCollection<UserView>;
  sessions: ViewCollection<SessionView>;
  identity: IdentityClient;
  readYourWritesTimeoutMs: number;
}

const logoutSchema = {
  tags: ['user'],
  operationId: 'logout',
  summary: 'End this login: its refresh token stops working, its access tokens are refused',
  description:
    'Ends the login the user token belongs to: its refresh token stops working and its access tokens are refused from the moment this answers. Other logins of the user go on.',
  security: [{ userAuth: [] }],
  headers: WriteHeaders,
  response: {
    200: Envelope(Type.Object({ loggedOut: Type.Literal(true) }), {
      description: 'Logged out.',
      example: { loggedOut: true },
    }),
    ...answers('userWrite'),
  },
};

const currentUserSchema = {
  tags: ['user'],
  operationId: 'getCurrentUser',
  summary: 'The signed-in user: profile, accounts, portfolios, KYC status',
  description: 'The user the user token belongs to, from the read model.',
  security: [{ userAuth: [] }],
  headers: ReadHeaders,
  response: {
    200: Envelope(MeData, {
      description: 'The user.',
      example: {
        userId: example.userId,
        email: example.email,
        phoneNumber: example.phoneNumber,
        phoneVerified: true,
        roles: ['USER'],
        userAccountStatus: 'ACTIVE',
        kycStatus: 'APPROVED',
        accounts: [{ accountId: example.mainAccountId, kind: 'MAIN', status: 'ACTIVE' }],
        portfolios: [
          {
            portfolioId: example.tradingPortfolioId,
            name: 'Main',
            portfolioAccountType: 'TRADING',
            accountId: example.mainAccountId,
            publicAddress: example.publicAddress,
          },
        ],
        createdAt: example.openedAt,
        recoveryCodesLeft: 10,
      },
    }),
    ...answers('userRead', { 404: ['USER_NOT_FOUND'] }),
  },
};

export const signedInUserRoutes: FastifyPluginAsyncTypebox<UserRoutesOptions> = async (app, options) => {
  app.post(
    '/v1/user/logout',
    {
      preHandler: app.requireUser(),
      schema: logoutSchema,
    },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      const claims = request.userClaims!;
      const result = await options.identity.send({
        type: 'Logout',
        metadata: { correlationId: request.id, clientId: claims.client_id },
        payload: { userId: claims.sub, familyId: claims.fam },
      });
      if (!result.ok) throw new ApiError(result.error, result.retryAfterSeconds);
      // Answer once the revocation is visible, so the token just used is refused from now on.
      await waitForView(
        () => options.sessions.get(claims.fam),
        (session) => session.revoked,
        options.readYourWritesTimeoutMs,
      );
      return success({ loggedOut: true as const });
    },
  );

  app.get(
    '/v1/user/me',
    {
      preHandler: app.requireUser(),
      schema: currentUserSchema,
    },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      const view = await options.users.get(request.userClaims?.sub ?? '');
      if (!view || view.erased) throw new ApiError('USER_NOT_FOUND');
      const { userId, email, phoneNumber, phoneVerified, roles, userAccountStatus, kycStatus, accounts, createdAt } =
        view;
      const portfolios = view.portfolios ?? [];
      return success({
        userId,
        email,
        phoneNumber,
        phoneVerified,
        roles,
        userAccountStatus,
        kycStatus,
        accounts,
        portfolios,
        createdAt,
        recoveryCodesLeft: view.recoveryCodesLeft ?? 0,
      });
    },
  );
};
