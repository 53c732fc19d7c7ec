/**
 * RFC 7662 token introspection: a resource server that would rather ask than
 * verify offline learns whether an access token is active now — a revoked
 * login's tokens are inactive at once, not at their expiry — and its claims.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { OAuthIntrospectionBody, OAuthIntrospectionResponse, ReadHeaders } from '@tessera/contracts';
import type { ViewCollection } from '@tessera/read-models';
import type { ApiClientView } from '@tessera/read-models/views';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ClientClaims, UserClaims } from '../auth.ts';
import type { StepUpClaims } from '../stepUpTokens.ts';
import { introspectionErrorAnswers } from '../routeAnswers.ts';
import { answerOAuthRequestError, authenticatedClient, oauthError } from './oauthClientAuthentication.ts';

export interface OAuthIntrospectionOptions {
  apiClients: ViewCollection<ApiClientView>;
}

const introspectionSchema = {
  tags: ['oauth'],
  operationId: 'introspectToken',
  summary: 'Whether an access token is active, and its claims',
  description:
    'RFC 7662: the client authenticates as for the token endpoint (HTTP Basic or form fields) and learns whether a token is active now, with its claims. Access tokens and step-up tokens are answered. A token is inactive (`{"active": false}` and nothing else) when it is expired, malformed, not a token of this server, of a revoked login (logout, password change, refresh-token reuse), a step-up token already consumed, or of another client: a client introspects only its own tokens and its own users\' tokens.',
  security: [],
  consumes: ['application/x-www-form-urlencoded'],
  headers: ReadHeaders,
  body: OAuthIntrospectionBody,
  response: { 200: OAuthIntrospectionResponse, ...introspectionErrorAnswers },
};

function answerIntrospectionError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  return answerOAuthRequestError(error, reply, 'introspection');
}

/** The answer for an active token: its claims, as RFC 7662 §2.2 names them; a step-up token says what it is. */
function activeAnswer(claims: ClientClaims | UserClaims | StepUpClaims) {
  if (!('token_use' in claims)) return { active: true, token_use: 'step_up' as const, ...claims };
  return { active: true, token_type: 'Bearer' as const, ...claims };
}

export const oauthIntrospectionRoutes: FastifyPluginAsyncTypebox<OAuthIntrospectionOptions> = async (app, options) => {
  // RFC 7662 §2.1: the request is form-encoded. Only within this plugin: the API's own routes take JSON.
  app.removeContentTypeParser('application/json');

  app.post(
    '/oauth/introspect',
    { schema: introspectionSchema, errorHandler: answerIntrospectionError },
    async (request, reply) => {
      const client = await authenticatedClient(options.apiClients, request.headers.authorization, request.body);
      if (!client) return oauthError(reply, 401, 'invalid_client', 'Client authentication failed.');
      void reply.header('cache-control', 'no-store');
      // A token for one of this client's own resources (RFC 8707) is this server's too.
      const claims = await app.activeToken(request.body.token, client.audiences ?? []);
      // Another client's token is answered as any unknown token: whether it exists is not this client's business.
      return claims?.client_id === client.clientId ? activeAnswer(claims) : { active: false };
    },
  );
};
