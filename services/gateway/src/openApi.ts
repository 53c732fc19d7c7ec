/**
 * What the OpenAPI document says beyond the routes' own schemas: the
 * introduction, servers, tags, security schemes, and the correlation id every
 * answer carries. Served at /docs and written to contracts/generated/openapi.json.
 */
import type { SwaggerOptions } from '@fastify/swagger';
import { apiFormats, passwordLength, scopes } from '@tessera/contracts';

const description = `Identity and onboarding for fintech mobile apps: partners sign their users up, log them in with a password and an SMS code, keep them logged in with rotating refresh tokens, reset lost passwords, run KYC and open portfolios.

## Calling it
- **Client token**: \`POST /oauth/token\` (client credentials) gives a token for the \`clientAuth\` operations.
- **User token**: password, then the SMS code (\`POST /v1/user/login\`, then \`POST /v1/user/otp\`) give a token for the \`userAuth\` operations.
- **Verifying tokens elsewhere**: access tokens are JWTs after RFC 9068 (header \`typ\` \`at+jwt\`); \`GET /.well-known/oauth-authorization-server\` names their issuer, the key set and \`POST /oauth/introspect\`.
- **Strong customer authentication** for money movement: \`POST /v1/user/step-up\` (password, action, transaction), then the SMS code at \`POST /v1/user/otp\`, give a step-up token (\`typ\` \`step-up+jwt\`) bound to that one action and transaction; the payment service consumes it once at \`POST /v1/step-up/consume\`.
- Every \`/v1\` body is the envelope \`{success, data, errorCode, errorMessage}\`, with a real HTTP status. Each operation lists the statuses it can answer and the catalogued \`errorCode\`s behind each; the whole catalogue is in docs/errors.md.
- **400 means the request breaks its schema**: a request that fits its operation's schema is never answered 400. Rules a schema cannot state (a breached password, a confirmation that differs, the state of a session) answer 422, 403 or 409.

## Formats
Beside JSON Schema's own, the server checks three formats:
- \`${apiFormats.phoneNumber}\`: an E.164 number valid for its country (libphonenumber) and able to receive SMS: MOBILE, or FIXED_LINE_OR_MOBILE where the numbering plan cannot tell the two apart. It is stored normalised: \`+330612345678\` is \`+33612345678\`.
- \`${apiFormats.newPassword}\`: a new password whose Unicode NFC form is ${passwordLength.min} to ${passwordLength.max} code points (\`minLength\` and \`maxLength\` count the code points as sent).
- \`${apiFormats.stepUpDestination}\`: a step-up's destination, 1 to 200 code points in NFC form with no control, format, surrogate, private-use or unassigned character.

## Limits
- Bodies: 16 KiB (413). Every string and array of a request schema is bounded, so any schema-valid body fits even with every character JSON-escaped.
- Request line and headers: 16 KiB together (431, before any route); a request that does not arrive in time: 408. Both close the connection.
- A path parameter over 100 characters: 414. A path the API does not serve: 404 (1003); a method a served path does not take: 405 (1005) with \`Allow\` naming the methods it does. Neither is an answer of an operation.
- Text is UTF-8, strictly: a body, form or query string whose bytes are not UTF-8, or a string holding an unpaired surrogate, is a 400 (1011); a body that names another charset, a 415.

## Timing
Refused logins and codes, and every answer of forget-password, resend and change-password, leave no sooner than a fixed time after the request arrived (250 ms by default), so that their timing does not tell whether an email has an account.
- Rate limits per IP and per email (429 with \`Retry-After\`): docs/security.md.

## Retries and tracing
- \`Idempotency-Key\` on POST and PUT makes a retry safe (see the header).
- \`X-Correlation-Id\` follows a request through every service and comes back on every answer.`;

export const openApiOptions: SwaggerOptions = {
  openapi: {
    openapi: '3.1.0',
    info: {
      title: 'Tessera API',
      version: '1.0.0',
      description,
      contact: { name: 'Tessera maintainers' },
    },
    servers: [
      { url: 'http://127.0.0.1:3000', description: 'The embedded default, as `npm start` runs it.' },
      {
        url: '{origin}',
        description: 'A deployment.',
        variables: {
          origin: { default: 'https://api.example.com', description: 'Scheme, host and port of the gateway.' },
        },
      },
    ],
    tags: [
      {
        name: 'user',
        description: 'The account flow (sign-up, login, SMS codes, refresh, password reset) and the signed-in user.',
      },
      {
        name: 'step-up',
        description:
          'Strong customer authentication with dynamic linking: a step-up token for one action and transaction, consumed once.',
      },
      { name: 'accounts', description: 'Accounts of a user: the main one made at sign-up, and more.' },
      { name: 'portfolios', description: 'Portfolios, each with its blockchain address, on validated accounts.' },
      { name: 'kyc', description: 'Identification with the KYC provider, and its verdict.' },
      { name: 'admin', description: 'Account-manager operations (scope `accounts:manage`).' },
      { name: 'webhooks', description: 'Calls made by providers, signed.' },
      { name: 'oauth', description: 'Client credentials, the keys that verify every token, and where to find both.' },
      { name: 'operations', description: 'Probes for orchestrators.' },
    ],
    components: {
      securitySchemes: {
        clientAuth: {
          type: 'oauth2',
          description: 'A client token from POST /oauth/token.',
          flows: {
            clientCredentials: {
              tokenUrl: '/oauth/token',
              scopes: {
                [scopes.usersWrite]: 'Run the account flow',
                [scopes.usersRead]: 'Read users, accounts and portfolios',
                [scopes.accountManager]: 'Privileged account operations',
              },
            },
          },
        },
        userAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A user token from POST /v1/user/otp.',
        },
      },
      headers: {
        'X-Correlation-Id': {
          description:
            "The request's correlation id: the caller's own when it was 8 to 64 of `A-Z a-z 0-9 . _ -`, a new UUID otherwise.",
          schema: { type: 'string', pattern: '^[A-Za-z0-9._-]{8,64}$' },
        },
      },
    },
  },
  // Shared schemas keep their names: the envelope is #/components/schemas/ErrorEnvelope.
  refResolver: {
    buildLocalReference: (json, _baseUri, _fragment, index) =>
      typeof json.$id === 'string' ? json.$id : `def-${index}`,
  },
  transformObject: (document) =>
    'openapiObject' in document
      ? withCorrelationHeader(document.openapiObject as OpenApiDocument)
      : document.swaggerObject,
};

interface OpenApiDocument {
  paths?: Record<string, Record<string, { responses?: Record<string, { headers?: Record<string, unknown> }> }>>;
}

/** The onSend hook puts the correlation id on every answer. */
function withCorrelationHeader(document: OpenApiDocument): OpenApiDocument {
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      for (const response of Object.values(operation.responses ?? {})) {
        response.headers = {
          'X-Correlation-Id': { $ref: '#/components/headers/X-Correlation-Id' },
          ...response.headers,
        };
      }
    }
  }
  return document;
}
