/**
 * RFC 6749 §4.4 client credentials, and the JWKS that verifies every token.
 * OAuth answers use OAuth's own JSON, not the envelope.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ApiError, OAuthErrorResponse, OAuthTokenBody, OAuthTokenResponse } from '@tessera/contracts';
import { constantTimeEqual, hashSecretToken } from '@tessera/crypto';
import type { ViewCollection } from '@tessera/read-models';
import type { ApiClientView } from '@tessera/projector';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { toJwks, type SigningKey } from '../signingKeys.ts';

export interface OAuthRoutesOptions {
  apiClients: ViewCollection<ApiClientView>;
  signingKeys: SigningKey[];
  clientTokenTtlSeconds: number;
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

function oauthError(reply: FastifyReply, status: number, error: string, description: string) {
  void reply.header('cache-control', 'no-store');
  if (status === 401) void reply.header('www-authenticate', 'Basic realm="tessera"');
  return reply.status(status).send({ error, error_description: description });
}

export const oauthRoutes: FastifyPluginAsyncTypebox<OAuthRoutesOptions> = async (app, options) => {
  const jwks = toJwks(options.signingKeys);
  // RFC 6749 §4.4.2: the token request is form-encoded. Only within this plugin: the API's own routes take JSON.
  app.removeContentTypeParser('application/json');

  app.get('/.well-known/jwks.json', {
    schema: { tags: ['oauth'], summary: 'Public keys that verify every token', response: { 200: Type.Object({ keys: Type.Array(Type.Any()) }) } },
  }, async (_request, reply) => {
    void reply.header('cache-control', 'public, max-age=300');
    return jwks;
  });

  app.post('/oauth/token', {
    config: app.sensitiveRateLimit,
    schema: {
      tags: ['oauth'],
      summary: 'Client credentials grant',
      consumes: ['application/x-www-form-urlencoded'],
      body: OAuthTokenBody,
      response: { 200: OAuthTokenResponse, '4xx': OAuthErrorResponse },
    },
    // Errors of this route answer in OAuth's format, not the envelope.
    errorHandler: (error, _request, reply) => {
      if (error instanceof ApiError && error.errorName === 'RATE_LIMITED') {
        // slow_down: OAuth's registered error for a client that asks too often (RFC 8628 §3.5).
        if (error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
        return oauthError(reply, 429, 'slow_down', 'Too many token requests; try again later.');
      }
      const status = error.statusCode === 413 ? 413 : error.statusCode === 415 ? 415 : 400;
      return oauthError(reply, status, 'invalid_request', 'The token request is not valid.');
    },
  }, async (request, reply) => {
    const body = request.body;
    if (body.grant_type !== 'client_credentials') return oauthError(reply, 400, 'unsupported_grant_type', 'Only client_credentials is supported.');
    const basic = basicCredentials(request.headers.authorization);
    const credentials = basic ?? (body.client_id && body.client_secret ? { id: body.client_id, secret: body.client_secret } : undefined);
    if (!credentials) return oauthError(reply, 401, 'invalid_client', 'Client authentication failed.');
    const client = await options.apiClients.get(credentials.id);
    const presented = hashSecretToken(credentials.secret);
    if (!client || !constantTimeEqual(presented, client.secretHash)) return oauthError(reply, 401, 'invalid_client', 'Client authentication failed.');
    const requested = body.scope ? body.scope.split(' ').filter(Boolean) : client.scopes;
    if (requested.some((scope) => !client.scopes.includes(scope))) return oauthError(reply, 400, 'invalid_scope', 'A requested scope is not granted to this client.');
    const scope = requested.join(' ');
    const accessToken = reply.server.jwt.sign(
      // The plugin's own signer, exp in the claims: reply.jwtSign (with or without options) builds a new signer, parsing the PEM key, for every token.
      { token_use: 'client', sub: client.clientId, client_id: client.clientId, scope, exp: Math.floor(Date.now() / 1000) + options.clientTokenTtlSeconds },
    );
    void reply.header('cache-control', 'no-store');
    return { access_token: accessToken, token_type: 'Bearer' as const, expires_in: options.clientTokenTtlSeconds, scope };
  });
};
