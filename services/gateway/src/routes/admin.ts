/** What an account manager (client token with `accounts:manage`) can do to the client's own users. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ApiError, Envelope, ErasureData, ErasureParams, example, scopes, WriteHeaders } from '@tessera/contracts';
import type { UserView } from '@tessera/read-models/views';
import type { ViewCollection } from '@tessera/read-models';
import { success } from '../envelope.ts';
import type { IdentityClient } from '../identityClient.ts';
import { waitForView } from '../readYourWrites.ts';
import { answers } from '../routeAnswers.ts';

export interface AdminRoutesOptions {
  users: ViewCollection<UserView>;
  identity: IdentityClient;
  readYourWritesTimeoutMs: number;
}

export const adminRoutes: FastifyPluginAsyncTypebox<AdminRoutesOptions> = async (app, options) => {
  app.post(
    '/v1/admin/users/:userId/erase-personal-data',
    {
      preHandler: app.requireClient(scopes.accountManager),
      schema: {
        tags: ['admin'],
        operationId: 'erasePersonalData',
        summary: "Erase a user's personal data (right to erasure)",
        description:
          "Destroys the user's data key, so their email, phone number and password hash become unreadable in the event log, on topics and in exports; ends their sessions; scrubs the read models and frees the email and phone number. Only for the calling client's users. Repeating it answers the same.",
        security: [{ clientAuth: [scopes.accountManager] }],
        headers: WriteHeaders,
        params: ErasureParams,
        response: {
          200: Envelope(ErasureData, {
            description: 'Erased.',
            example: { userId: example.userId, erasedAt: example.createdAt, personalDataErased: true },
          }),
          ...answers('clientWrite', { 404: ['USER_NOT_FOUND'], 414: ['URI_TOO_LONG'] }),
        },
      },
    },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      const { userId } = request.params;
      const clientId = request.client?.sub ?? '';
      // Clients manage only the users they signed up; anyone else's reads as absent.
      const view = await options.users.get(userId);
      if (!view || view.clientId !== clientId) throw new ApiError('USER_NOT_FOUND');
      const result = await options.identity.send({
        type: 'ErasePersonalData',
        metadata: { correlationId: request.id, clientId },
        payload: { userId },
      });
      if (!result.ok) throw new ApiError(result.error, result.retryAfterSeconds);
      const data = result.data as { userId: string; erasedAt: string };
      // Answer once the read models no longer show the data, so the caller can check at once.
      await waitForView(
        () => options.users.get(userId),
        (view) => view.erased === true,
        options.readYourWritesTimeoutMs,
      );
      return success({ userId: data.userId, erasedAt: data.erasedAt, personalDataErased: true as const });
    },
  );
};
