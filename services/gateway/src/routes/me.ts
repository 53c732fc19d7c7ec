import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ApiError, Envelope, ErrorEnvelope, MeData } from '@tessera/contracts';
import type { ViewCollection } from '@tessera/read-models';
import type { UserView } from '@tessera/projector';
import { success } from '../envelope.ts';

export const meRoutes: FastifyPluginAsyncTypebox<{ users: ViewCollection<UserView> }> = async (app, options) => {
  app.get('/v1/user/me', {
    preHandler: app.requireUser(),
    schema: { tags: ['user'], summary: 'The signed-in user: profile, accounts, KYC status', security: [{ userAuth: [] }], response: { 200: Envelope(MeData), '4xx': ErrorEnvelope, '5xx': ErrorEnvelope } },
  }, async (request, reply) => {
    void reply.header('cache-control', 'no-store');
    const view = await options.users.get(request.userClaims?.sub ?? '');
    if (!view) throw new ApiError('USER_NOT_FOUND');
    const { userId, email, phoneNumber, phoneVerified, roles, userAccountStatus, kycStatus, accounts, createdAt } = view;
    return success({ userId, email, phoneNumber, phoneVerified, roles, userAccountStatus, kycStatus, accounts, createdAt });
  });
};
