/**
 * RFC 7009 token revocation: the client holding a refresh token ends the
 * login it belongs to, with nothing but the token and its own credentials
 * (a partner's back end, or an app signing out where it has no access token
 * left). The token names its user (refreshTokens.ts); identity checks it is
 * one of that user's, issued to this client, and revokes the whole login.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { OAuthRevocationBody, ReadHeaders, type CommandReplies } from '@tessera/contracts';
import type { ViewCollection } from '@tessera/read-models';
import type { ApiClientView, SessionView } from '@tessera/read-models/views';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { IdentityClient } from '../identityClient.ts';
import { waitForView, type ProjectionWatch } from '../readYourWrites.ts';
import { presentedRefreshToken } from '../refreshTokens.ts';
import { revocationErrorAnswers } from '../routeAnswers.ts';
import { answerOAuthRequestError, authenticatedClient, oauthError } from './oauthClientAuthentication.ts';

export interface OAuthRevocationOptions {
  apiClients: ViewCollection<ApiClientView>;
  sessions: ViewCollection<SessionView>;
  identity: IdentityClient;
  readYourWritesTimeoutMs: number;
  projections?: ProjectionWatch | undefined;
}

const revocationSchema = {
  tags: ['oauth'],
  operationId: 'revokeToken',
  summary: 'End a login with its refresh token',
  description:
    "RFC 7009: the client authenticates as for the token endpoint (HTTP Basic or form fields) and revokes a refresh token it holds. The token's whole login ends: its refresh tokens stop working, and its access tokens are refused (here and by introspection) from the moment this answers. Answers 200 with nothing said as well when the token is unknown, already revoked, or was issued to another client (which changes nothing). An access token is answered 400 unsupported_token_type: access tokens are not revoked alone and expire within minutes.",
  security: [],
  consumes: ['application/x-www-form-urlencoded'],
  headers: ReadHeaders,
  body: OAuthRevocationBody,
  response: {
    200: Type.Object(
      {},
      {
        additionalProperties: false,
        description: 'Revoked, or nothing to revoke: the token does not work any more.',
        examples: [{}],
      },
    ),
    ...revocationErrorAnswers,
  },
};

/** A JWT (an access token) has three parts; a refresh token two at most. */
const JWT_SHAPE = /^[^.]+\.[^.]+\.[^.]+$/;

function answerRevocationError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  return answerOAuthRequestError(error, reply, 'revocation');
}

export const oauthRevocationRoutes: FastifyPluginAsyncTypebox<OAuthRevocationOptions> = async (app, options) => {
  // RFC 7009 §2.1: the request is form-encoded. Only within this plugin: the API's own routes take JSON.
  app.removeContentTypeParser('application/json');

  app.post(
    '/oauth/revoke',
    { schema: revocationSchema, errorHandler: answerRevocationError },
    async (request, reply) => {
      const client = await authenticatedClient(options.apiClients, request.headers.authorization, request.body);
      if (!client) return oauthError(reply, 401, 'invalid_client', 'Client authentication failed.');
      void reply.header('cache-control', 'no-store');
      // The hint is only a hint (RFC 7009 §2.1): the token's own shape says what it is.
      if (JWT_SHAPE.test(request.body.token))
        return oauthError(
          reply,
          400,
          'unsupported_token_type',
          "Access tokens expire on their own; revoke the login's refresh token.",
        );
      const { userId, hash } = presentedRefreshToken(request.body.token);
      // A token naming no user is unknown, or from before tokens named their user: nothing this server can find.
      if (userId === undefined) return {};
      const result = await options.identity.send({
        type: 'RevokeRefreshToken',
        metadata: { correlationId: request.id, clientId: client.clientId },
        payload: { userId, presentedTokenHash: hash },
      });
      if (!result.ok) {
        // Unknown, or another client's: answered alike, and nothing changes (RFC 7009 §2.1, §2.2).
        if (result.error === 'REFRESH_TOKEN_INVALID') return {};
        // RFC 7009 §2.2.1: the client must assume the token still works, and may retry.
        void reply.header('retry-after', String(result.retryAfterSeconds ?? 1));
        return oauthError(
          reply,
          503,
          'temporarily_unavailable',
          'The token could not be revoked now; try again later.',
        );
      }
      const { revokedFamilyId: familyId } = result.data as CommandReplies['RevokeRefreshToken'];
      // Answer once the revocation is visible, so the login's access tokens are refused from now on (as logout does).
      if (familyId !== undefined)
        await waitForView(
          () => options.sessions.get(familyId),
          (session) => session.revoked,
          options.readYourWritesTimeoutMs,
          result.position === undefined ? undefined : { watch: options.projections, position: result.position },
        );
      return {};
    },
  );
};
