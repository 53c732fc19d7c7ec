/** What a signed-in user (user token) can do: read their profile, log out. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ApiError, Envelope, ErrorEnvelope, MeData } from '@tessera/contracts';
import type { ViewCollection } from '@tessera/read-models';
import type { SessionView, UserView } from '@tessera/projector';
import { success } from '../envelope.ts';
import type { IdentityClient } from '../identityClient.ts';
import { waitForView } from '../readYourWrites.ts';

export interface UserRoutesOptions {
  users: ViewCollection<UserView>;
  sessions: ViewCollection<SessionView>;
  identity: IdentityClient;
  readYourWritesTimeoutMs: number;
}

export const signedInUserRoutes: FastifyPluginAsyncTypebox<UserRoutesOptions> = async (app, options) => {
  app.post('/v1/user/logout', {
    preHandler: app.requireUser(),
    schema: { tags: ['user'], summary: 'End this login: its refresh token stops working, its access tokens are refused', security: [{ userAuth: [] }], response: { 200: Envelope(Type.Object({ loggedOut: Type.Literal(true) })), '4xx': ErrorEnvelope, '5xx': ErrorEnvelope } },
  }, async (request, reply) => {
    void reply.header('cache-control', 'no-store');
    const claims = request.userClaims!;
    const result = await options.identity.send({ type: 'Logout', metadata: { correlationId: request.id, clientId: claims.client_id }, payload: { userId: claims.sub, familyId: claims.fam } });
    if (!result.ok) throw new ApiError(result.error, result.retryAfterSeconds);
    // Answer once the revocation is visible, so the token just used is refused from now on.
    await waitForView(() => options.sessions.get(claims.fam), (session) => session.revoked, options.readYourWritesTimeoutMs);
    return success({ loggedOut: true as const });
  });

  app.get('/v1/user/me', {
    preHandler: app.requireUser(),
    schema: { tags: ['user'], summary: 'The signed-in user: profile, accounts, portfolios, KYC status', security: [{ userAuth: [] }], response: { 200: Envelope(MeData), '4xx': ErrorEnvelope, '5xx': ErrorEnvelope } },
  }, async (request, reply) => {
    void reply.header('cache-control', 'no-store');
    const view = await options.users.get(request.userClaims?.sub ?? '');
    if (!view || view.erased) throw new ApiError('USER_NOT_FOUND');
    const { userId, email, phoneNumber, phoneVerified, roles, userAccountStatus, kycStatus, accounts, createdAt } = view;
    const portfolios = view.portfolios ?? [];
    return success({ userId, email, phoneNumber, phoneVerified, roles, userAccountStatus, kycStatus, accounts, portfolios, createdAt });
  });
};
