/** RFC 6749 client credentials: the token request, its answer and its errors. */
import { Type, type Static } from '@sinclair/typebox';
import { example } from '../apiExamples.ts';
import { resourceLimits, resourcePattern } from '../resourceIndicators.ts';

const Resource = Type.String({ minLength: 1, maxLength: resourceLimits.length, pattern: resourcePattern });

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
    resource: Type.Optional(
      Type.Union([Resource, Type.Array(Resource, { minItems: 1, maxItems: resourceLimits.perRequest })], {
        description:
          "RFC 8707: the resource (absolute URI) the token is for, given once per resource (three at most). The token's `aud` then names these resources alone; each must be the gateway's own audience or one the client is registered with, else 400 invalid_target. Without it, the gateway's own audience.",
        examples: ['https://payments.example.com'],
      }),
    ),
  },
  {
    // RFC 6749 §3.2: unknown parameters are ignored; a few, bounded, so that any valid body fits under the body limit.
    additionalProperties: Type.String({ maxLength: 128 }),
    maxProperties: 7,
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
  error: Type.String({
    description:
      'invalid_request, invalid_client, invalid_scope, invalid_target, unsupported_token_type, slow_down or temporarily_unavailable.',
  }),
  error_description: Type.String(),
});

export type OAuthTokenBody = Static<typeof OAuthTokenBody>;
export type OAuthServerMetadata = Static<typeof OAuthServerMetadata>;
export type OAuthIntrospectionBody = Static<typeof OAuthIntrospectionBody>;

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
    revocation_endpoint: Type.Optional(
      Type.String({ description: 'RFC 7009: where a client revokes a refresh token.' }),
    ),
    revocation_endpoint_auth_methods_supported: Type.Optional(Type.Array(Type.String())),
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
        introspection_endpoint: 'https://api.example.com/oauth/introspect',
        introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        revocation_endpoint: 'https://api.example.com/oauth/revoke',
        revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        response_types_supported: [],
        scopes_supported: ['users:write', 'users:read', 'accounts:manage', 'user'],
        service_documentation: 'https://api.example.com/docs',
      },
    ],
  },
);

/** RFC 7662 §2.1: the token to introspect, and the calling client's credentials unless it uses HTTP Basic. */
export const OAuthIntrospectionBody = Type.Object(
  {
    token: Type.String({
      minLength: 1,
      maxLength: 1536,
      // RFC 6750 §2.1's b64token: whatever can be presented as a Bearer token can be introspected.
      pattern: '^[A-Za-z0-9._~+/=-]+$',
      description: 'An access token (client or user token), as it would follow `Bearer `.',
    }),
    token_type_hint: Type.Optional(
      Type.String({ maxLength: 32, description: 'Ignored: only access tokens are introspected.' }),
    ),
    client_id: Type.Optional(
      Type.String({
        maxLength: 128,
        description: 'With client_secret, when the client does not authenticate with HTTP Basic.',
        examples: [example.clientId],
      }),
    ),
    client_secret: Type.Optional(Type.String({ maxLength: 256 })),
  },
  {
    // RFC 7662 §2.1 allows further parameters; bounded (four parameters in all), so that any valid body fits under the body limit.
    additionalProperties: Type.String({ maxLength: 128 }),
    maxProperties: 4,
    propertyNames: { maxLength: 32 },
    description: 'The client authenticates as for the token endpoint: HTTP Basic, or the two form fields.',
    examples: [{ token: example.clientAccessToken }],
  },
);

export const OAuthIntrospectionResponse = Type.Object(
  {
    active: Type.Boolean({
      description:
        'false, and nothing else, for a token that is expired, malformed, not a token of this server, of a revoked login, a consumed step-up token, or of another client.',
    }),
    token_type: Type.Optional(Type.Literal('Bearer')),
    token_use: Type.Optional(Type.Union([Type.Literal('client'), Type.Literal('user'), Type.Literal('step_up')])),
    scope: Type.Optional(Type.String({ description: 'Client tokens: the scopes granted; user tokens: `user`.' })),
    client_id: Type.Optional(Type.String()),
    sub: Type.Optional(Type.String({ description: 'The client (client tokens) or the user (user tokens).' })),
    iss: Type.Optional(Type.String()),
    aud: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
    jti: Type.Optional(Type.String()),
    iat: Type.Optional(Type.Integer()),
    exp: Type.Optional(Type.Integer()),
    sid: Type.Optional(Type.String({ description: 'User tokens: the login session; step-up tokens: the step-up.' })),
    roles: Type.Optional(Type.Array(Type.String(), { description: "User tokens: the user's roles." })),
    acr: Type.Optional(Type.String({ description: 'Step-up tokens: urn:tessera:acr:sca.' })),
    amr: Type.Optional(Type.Array(Type.String(), { description: 'Step-up tokens: ["pwd","sms"] (RFC 8176).' })),
    auth_time: Type.Optional(Type.Integer({ description: 'Step-up tokens: when the SMS code was verified.' })),
    action: Type.Optional(Type.String({ description: 'Step-up tokens: the action confirmed.' })),
    txn: Type.Optional(Type.String({ description: 'Step-up tokens: base64url SHA-256 of the canonical transaction.' })),
  },
  {
    description: 'RFC 7662 §2.2: whether the token is active now and, if so, its claims.',
    examples: [
      {
        active: true,
        token_type: 'Bearer',
        token_use: 'client',
        scope: 'users:write users:read',
        client_id: example.clientId,
        sub: example.clientId,
        iss: 'https://api.example.com',
        aud: 'https://api.example.com',
        jti: '0b6f1c7e-4f5a-4d7e-9a59-2f3c8d1e6a10',
        iat: 1796400000,
        exp: 1796403600,
      },
      { active: false },
    ],
  },
);

/** RFC 7009 §2.1: the refresh token to revoke, and the calling client's credentials unless it uses HTTP Basic. */
export const OAuthRevocationBody = Type.Object(
  {
    token: Type.String({
      minLength: 1,
      maxLength: 1536,
      pattern: '^[A-Za-z0-9._~+/=-]+$',
      description:
        "A refresh token the client holds. Its whole login ends: the refresh token (and any rotated from it) stops working and the login's access tokens are refused from the moment this answers. An access token is answered 400 unsupported_token_type: it cannot be revoked alone and lives out its few minutes.",
    }),
    token_type_hint: Type.Optional(
      Type.String({
        maxLength: 32,
        description: '`refresh_token` or `access_token`; only a hint (RFC 7009 §2.1): the token says what it is.',
      }),
    ),
    client_id: Type.Optional(
      Type.String({
        maxLength: 128,
        description: 'With client_secret, when the client does not authenticate with HTTP Basic.',
        examples: [example.clientId],
      }),
    ),
    client_secret: Type.Optional(Type.String({ maxLength: 256 })),
  },
  {
    // RFC 7009 §2.1 allows further parameters; bounded (four parameters in all), so that any valid body fits under the body limit.
    additionalProperties: Type.String({ maxLength: 128 }),
    maxProperties: 4,
    propertyNames: { maxLength: 32 },
    description: 'The client authenticates as for the token endpoint: HTTP Basic, or the two form fields.',
    examples: [{ token: example.refreshToken, token_type_hint: 'refresh_token' }],
  },
);

export type OAuthRevocationBody = Static<typeof OAuthRevocationBody>;
