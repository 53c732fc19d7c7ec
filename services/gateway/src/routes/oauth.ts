/**
 * RFC 6749 §4.4 client credentials, and the JWKS that verifies every token.
 * OAuth answers use OAuth's own JSON, not the envelope.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isResourceUri, OAuthTokenBody, OAuthTokenResponse, ReadHeaders } from '@tessera/contracts';
import type { ViewCollection } from '@tessera/read-models';
import type { ApiClientView } from '@tessera/read-models/views';
import { Type } from '@sinclair/typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { answers, oauthErrorAnswers } from '../routeAnswers.ts';
import { toJwks, type SigningKey } from '../signingKeys.ts';
import { answerOAuthRequestError, authenticatedClient, oauthError } from './oauthClientAuthentication.ts';

export interface OAuthRoutesOptions {
  apiClients: ViewCollection<ApiClientView>;
  signingKeys: SigningKey[];
  clientTokenTtlSeconds: number;
}

const jwksSchema = {
  tags: ['oauth'],
  operationId: 'getJsonWebKeySet',
  summary: 'Public keys that verify every token',
  description:
    "The Ed25519 keys (JWK, `kid` named in each token's header) that verify client and user tokens: the key signing now and the previous ones whose tokens may still be valid. Cache it for up to 5 minutes.",
  headers: ReadHeaders,
  response: {
    200: Type.Object(
      { keys: Type.Array(Type.Any()) },
      {
        description: 'A JSON Web Key Set (RFC 7517).',
        examples: [
          {
            keys: [
              {
                kty: 'OKP',
                crv: 'Ed25519',
                x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
                kid: '2026-11-26',
                use: 'sig',
                alg: 'EdDSA',
              },
            ],
          },
        ],
      },
    ),
    ...answers('open'),
  },
};

const tokenSchema = {
  tags: ['oauth'],
  operationId: 'issueClientToken',
  summary: 'Client credentials grant',
  description:
    "RFC 6749 §4.4: a client token for the clientAuth operations. The client authenticates with HTTP Basic or with client_id and client_secret in the form. With `resource` (RFC 8707), a token for the named resources alone: its `aud` names them, and it is refused by this gateway unless one of them is the gateway's own audience. Answers and errors are OAuth's own JSON (RFC 6749 §5), not the envelope.",
  security: [],
  consumes: ['application/x-www-form-urlencoded'],
  headers: ReadHeaders,
  body: OAuthTokenBody,
  response: { 200: OAuthTokenResponse, ...oauthErrorAnswers },
};

/** Errors of the token route answer in OAuth's format, not the envelope. */
function answerTokenError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  // The schema allows client_credentials alone; another grant keeps RFC 6749's own error.
  if (error.validation?.[0]?.instancePath === '/grant_type')
    return oauthError(reply, 400, 'unsupported_grant_type', 'Only client_credentials is supported.');
  // RFC 8707 §2: a malformed resource is invalid_target, as an unknown one is.
  if (error.validation?.[0]?.instancePath.startsWith('/resource'))
    return oauthError(reply, 400, 'invalid_target', 'A requested resource is not one this client may name.');
  return answerOAuthRequestError(error, reply, 'token');
}

/**
 * The `aud` a token request asks for (RFC 8707): the resources named, each absolute and among those allowed (the
 * gateway's own audience first); without any, the gateway's own. Undefined when one is not allowed: invalid_target.
 */
function requestedAudience(resource: string | string[] | undefined, allowed: string[]): string | string[] | undefined {
  if (resource === undefined) return allowed[0];
  const named = [...new Set(Array.isArray(resource) ? resource : [resource])];
  if (!named.every((each) => isResourceUri(each) && allowed.includes(each))) return undefined;
  return named.length === 1 ? named[0] : named;
}

export const oauthRoutes: FastifyPluginAsyncTypebox<OAuthRoutesOptions> = async (app, options) => {
  const jwks = toJwks(options.signingKeys);
  // RFC 6749 §4.4.2: the token request is form-encoded. Only within this plugin: the API's own routes take JSON.
  app.removeContentTypeParser('application/json');

  app.get('/.well-known/jwks.json', { schema: jwksSchema }, async (_request, reply) => {
    void reply.header('cache-control', 'public, max-age=300');
    return jwks;
  });

  app.post(
    '/oauth/token',
    { config: app.sensitiveRateLimit, schema: tokenSchema, errorHandler: answerTokenError },
    async (request, reply) => {
      const body = request.body;
      if (body.grant_type !== 'client_credentials')
        return oauthError(reply, 400, 'unsupported_grant_type', 'Only client_credentials is supported.');
      const client = await authenticatedClient(options.apiClients, request.headers.authorization, body);
      if (!client) return oauthError(reply, 401, 'invalid_client', 'Client authentication failed.');
      const requested = body.scope ? body.scope.split(' ').filter(Boolean) : client.scopes;
      if (requested.some((scope) => !client.scopes.includes(scope)))
        return oauthError(reply, 400, 'invalid_scope', 'A requested scope is not granted to this client.');
      const audience = requestedAudience(body.resource, [app.tokenAudience(), ...(client.audiences ?? [])]);
      if (audience === undefined)
        return oauthError(reply, 400, 'invalid_target', 'A requested resource is not one this client may name.');
      const scope = requested.join(' ');
      const accessToken = reply.server.signAccessToken(
        { token_use: 'client', sub: client.clientId, client_id: client.clientId, scope },
        options.clientTokenTtlSeconds,
        audience,
      );
      void reply.header('cache-control', 'no-store');
      return {
        access_token: accessToken,
        token_type: 'Bearer' as const,
        expires_in: options.clientTokenTtlSeconds,
        scope,
      };
    },
  );
};
