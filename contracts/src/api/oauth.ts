/** RFC 6749 client credentials: the token request, its answer and its errors. */
import { Type, type Static } from '@sinclair/typebox';
import { example } from '../apiExamples.ts';

export const OAuthTokenBody = Type.Object(
  {
    grant_type: Type.Literal('client_credentials', { description: 'The only grant: RFC 6749 §4.4.' }),
    client_id: Type.Optional(
      Type.String({
        maxLength: 128,
        description: 'With client_secret, when the client does not authenticate with HTTP Basic.',
        examples: [example.clientId],
      }),
    ),
    client_secret: Type.Optional(Type.String({ maxLength: 256, description: 'Shown once by client registration.' })),
    scope: Type.Optional(
      Type.String({
        maxLength: 128,
        description:
          'Space-separated; by default every scope the client holds. A scope it does not hold is refused with 400 invalid_scope (RFC 6749 §5.2).',
        examples: ['users:write users:read'],
      }),
    ),
  },
  {
    // RFC 6749 §3.2: unknown parameters are ignored; a few, bounded, so that any valid body fits under the body limit.
    additionalProperties: Type.String({ maxLength: 128 }),
    maxProperties: 8,
    propertyNames: { maxLength: 32 },
    description:
      'The client authenticates with HTTP Basic (`client_id:client_secret`, each form-urlencoded) or with the two form fields.',
    examples: [{ grant_type: 'client_credentials', scope: 'users:write users:read' }],
  },
);

export const OAuthTokenResponse = Type.Object(
  {
    access_token: Type.String({ description: 'A client token (EdDSA JWT), verified with GET /.well-known/jwks.json.' }),
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer({ description: 'Seconds until the token expires.' }),
    scope: Type.String({ description: 'The scopes granted, space-separated.' }),
  },
  {
    description: 'A client token (RFC 6749 §5.1).',
    examples: [
      {
        access_token: example.clientAccessToken,
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'users:write users:read',
      },
    ],
  },
);

/** RFC 6749 §5.2 error body. */
export const OAuthErrorResponse = Type.Object({
  error: Type.String({ description: 'invalid_request, invalid_client, invalid_scope or slow_down.' }),
  error_description: Type.String(),
});

export type OAuthTokenBody = Static<typeof OAuthTokenBody>;
export type OAuthServerMetadata = Static<typeof OAuthServerMetadata>;

/** RFC 8414 §2: what a downstream service needs to find the keys and endpoints of this authorization server. */
export const OAuthServerMetadata = Type.Object(
  {
    issuer: Type.String({ description: 'The `iss` of every token: the public base URL.' }),
    jwks_uri: Type.String({ description: 'The JSON Web Key Set that verifies every token.' }),
    token_endpoint: Type.String(),
    grant_types_supported: Type.Array(Type.String()),
    token_endpoint_auth_methods_supported: Type.Array(Type.String()),
    response_types_supported: Type.Array(Type.String(), {
      description: 'Empty: no authorization endpoint, clients get tokens from the token endpoint alone.',
    }),
    scopes_supported: Type.Array(Type.String()),
    introspection_endpoint: Type.Optional(Type.String()),
    introspection_endpoint_auth_methods_supported: Type.Optional(Type.Array(Type.String())),
    service_documentation: Type.String(),
  },
  {
    description:
      'Authorization server metadata (RFC 8414). Access tokens are JWTs after RFC 9068: header `typ` `at+jwt`, `alg` EdDSA.',
    examples: [
      {
        issuer: 'https://api.example.com',
        jwks_uri: 'https://api.example.com/.well-known/jwks.json',
        token_endpoint: 'https://api.example.com/oauth/token',
        grant_types_supported: ['client_credentials'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        response_types_supported: [],
        scopes_supported: ['users:write', 'users:read', 'accounts:manage', 'user'],
        service_documentation: 'https://api.example.com/docs',
      },
    ],
  },
);
