/**
 * RFC 8414 authorization server metadata: how a downstream service finds the
 * issuer, the keys and the endpoints from the base URL alone, as `jose`,
 * Spring Security or express-oauth2-jwt-bearer do.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { knownScopes, OAuthServerMetadata, ReadHeaders, userTokenScope } from '@tessera/contracts';
import { answers } from '../routeAnswers.ts';

const metadataSchema = {
  tags: ['oauth'],
  operationId: 'getAuthorizationServerMetadata',
  summary: 'Where to find the keys and endpoints',
  description:
    "RFC 8414: the issuer every token names, the JWKS that verifies them, the token, introspection and revocation endpoints, each an absolute URL under the issuer. A downstream service reads it once (cache it for up to 5 minutes) and then checks a token's signature, `typ` (`at+jwt`), `iss`, `aud` and `exp` with its own library.",
  headers: ReadHeaders,
  response: { 200: OAuthServerMetadata, ...answers('open') },
};

const metadataLinks = {
  200: {
    getJsonWebKeySet: {
      operationId: 'getJsonWebKeySet',
      description: 'The keys that verify every token (`jwks_uri`).',
    },
    issueClientToken: { operationId: 'issueClientToken', description: 'A client token (`token_endpoint`).' },
    introspectToken: {
      operationId: 'introspectToken',
      description: 'Whether a token is active (`introspection_endpoint`).',
    },
    revokeToken: {
      operationId: 'revokeToken',
      description: 'End a login with its refresh token (`revocation_endpoint`).',
    },
  },
};

/** The metadata under an issuer: every endpoint is served by this gateway, below its public base URL. */
export function serverMetadata(issuer: string): OAuthServerMetadata {
  return {
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    token_endpoint: `${issuer}/oauth/token`,
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    introspection_endpoint: `${issuer}/oauth/introspect`,
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    revocation_endpoint: `${issuer}/oauth/revoke`,
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    response_types_supported: [],
    scopes_supported: [...knownScopes, userTokenScope],
    service_documentation: `${issuer}/docs`,
  };
}

export const oauthMetadataRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/.well-known/oauth-authorization-server',
    { schema: metadataSchema, links: metadataLinks },
    async (_request, reply) => {
      void reply.header('cache-control', 'public, max-age=300');
      return serverMetadata(app.tokenIssuer());
    },
  );
};
