/** Step 3b of the account flow: the refresh token rotates, and a new access token comes with it. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Envelope, example, RefreshBody, scopes, TokensData, WriteHeaders } from '@tessera/contracts';
import { success } from '../envelope.ts';
import { newRefreshSecret, presentedRefreshToken } from '../refreshTokens.ts';
import { answers } from '../routeAnswers.ts';
import { clientAuth, tokensExample, type AccountFlowOptions } from './accountFlow.ts';
import { callingClientOf, commandSender } from './identityCommands.ts';
import { answersAreNotStored } from './noStore.ts';
import { userTokenAudience, userTokens } from './userTokens.ts';

const refreshSchema = {
  tags: ['user'],
  operationId: 'refreshSession',
  summary: 'Rotate the refresh token and get a new access token',
  description:
    'Answers a new access token and a new refresh token; the one presented stops working. Presenting a refresh token that was already rotated is taken as theft: the whole login is revoked.',
  security: clientAuth,
  headers: WriteHeaders,
  body: RefreshBody,
  response: {
    200: Envelope(TokensData, {
      description: 'New tokens; keep the new refresh token.',
      example: { ...tokensExample, refreshToken: example.rotatedRefreshToken },
    }),
    ...answers('clientWrite', { 401: ['REFRESH_TOKEN_INVALID'] }),
  },
};

const refreshLinks = {
  200: {
    refreshSession: {
      operationId: 'refreshSession',
      description: 'Rotate again, with the refresh token just answered.',
      requestBody: { username: '$request.body#/username', refreshToken: '$response.body#/data/refreshToken' },
    },
  },
};

export const refreshRoutes: FastifyPluginAsyncTypebox<AccountFlowOptions> = async (app, options) => {
  const send = commandSender(options.identity);
  answersAreNotStored(app);

  app.post(
    '/v1/user/refresh',
    { preHandler: app.requireClient(scopes.usersWrite), schema: refreshSchema, links: refreshLinks },
    async (request, reply) => {
      const { username, refreshToken } = request.body;
      const next = newRefreshSecret();
      const { data } = await send(request, 'RefreshSession', {
        email: username,
        presentedTokenHash: presentedRefreshToken(refreshToken).hash,
        newRefreshTokenHash: next.hash,
      });
      const tokenOptions = {
        clientId: callingClientOf(request),
        accessTokenTtlSeconds: options.accessTokenTtlSeconds,
        audience: await userTokenAudience(request, options.apiClients),
      };
      return success(userTokens(reply, tokenOptions, data, next.secret));
    },
  );
};
