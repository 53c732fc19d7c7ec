/**
 * The answers each route declares, status by status, with the catalogued
 * codes behind each status: the OpenAPI document then lists exactly what a
 * caller can get, with an example of each error. Only the statuses a route
 * can produce are declared; a status listed here with a code catalogued under
 * another status does not compile.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { errorCatalogue, OAuthErrorResponse, type ErrorName } from '@tessera/contracts';

type Catalogue = typeof errorCatalogue;
/** The error names catalogued with HTTP status S. */
type NamesWithStatus<S extends number> = { [K in ErrorName]: Catalogue[K]['status'] extends S ? K : never }[ErrorName];

const meanings = {
  400: 'The request breaks its schema (or its body is not JSON); nothing was done.',
  401: 'Missing or wrong credentials.',
  403: 'The credentials are valid but do not allow this.',
  404: "No such resource, or not one of the calling client's users.",
  409: 'The request conflicts with the current state; nothing was done.',
  413: 'The body is over the 16 KiB limit.',
  414: 'A path parameter is over 100 characters.',
  415: 'The content type is not one this operation accepts.',
  422: 'The request fits its schema, but a rule no schema can state refuses it; nothing was done.',
  429: 'Throttled: try again after `Retry-After` seconds.',
  500: 'A failure on our side; details go only to the log.',
  503: 'A dependency is unavailable or the gateway is shutting down; try again.',
} as const;

export type ErrorStatus = keyof typeof meanings;
/** For each status a route can answer, the catalogued errors behind it. */
export type ErrorAnswers = { [S in ErrorStatus]?: readonly NamesWithStatus<S>[] };

const retryAfter = (description: string) => ({ 'Retry-After': { type: 'integer', minimum: 1, description } });

function envelopeExample(name: ErrorName) {
  const { errorCode, message } = errorCatalogue[name];
  return { summary: `${errorCode} ${name}`, value: { success: false, data: null, errorCode, errorMessage: message } };
}

/** One response schema per status: the shared envelope, what the status means there, an example per code. */
export function errorAnswers(...parts: ErrorAnswers[]): Record<number, TSchema> {
  const merged = new Map<ErrorStatus, ErrorName[]>();
  for (const part of parts) {
    for (const [status, names] of Object.entries(part) as Array<[string, readonly ErrorName[]]>) {
      const key = Number(status) as ErrorStatus;
      merged.set(key, [...new Set([...(merged.get(key) ?? []), ...names])]);
    }
  }
  const answers: Record<number, TSchema> = {};
  for (const status of [...merged.keys()].sort((a, b) => a - b)) {
    const names = merged.get(status) ?? [];
    const codes = names
      .map((name) => `- \`${errorCatalogue[name].errorCode}\` ${name}: ${errorCatalogue[name].message}`)
      .join('\n');
    const headers =
      status === 429
        ? retryAfter('Seconds until the limit or lock lets the next try through.')
        : names.includes('IDEMPOTENCY_IN_PROGRESS')
          ? retryAfter('With 1007 only: 1, the first request with this Idempotency-Key is still running.')
          : names.includes('STEP_UP_COOLING_OFF')
            ? retryAfter('With STEP_UP_COOLING_OFF: seconds until the cooling-off after the phone number change ends.')
            : undefined;
    answers[status] = Type.Unsafe({
      description: `${meanings[status]}\n\n${codes}`,
      content: {
        'application/json': {
          schema: Type.Ref('ErrorEnvelope'),
          examples: Object.fromEntries(names.map((name) => [name, envelopeExample(name)])),
        },
      },
      ...(headers ? { headers } : {}),
    });
  }
  return answers;
}

/** What every request can meet before its route: a broken request, a per-IP limit, a failure. */
const anyRequest: ErrorAnswers = {
  400: ['VALIDATION_FAILED', 'INVALID_TEXT_ENCODING'],
  429: ['RATE_LIMITED'],
  500: ['INTERNAL'],
};
/** A POST or PUT: its body is parsed whatever the route, so it can be malformed, too large or of the wrong type. */
const anyWrite: ErrorAnswers = { 400: ['MALFORMED_BODY'], 413: ['BODY_TOO_LARGE'], 415: ['UNSUPPORTED_MEDIA_TYPE'] };
/** A write by a client or user with an Idempotency-Key. */
const idempotent: ErrorAnswers = { 409: ['IDEMPOTENCY_IN_PROGRESS'], 422: ['IDEMPOTENCY_KEY_REUSED'] };
/** A route that sends a command to identity, or asks a provider. */
const commanding: ErrorAnswers = { 503: ['DEPENDENCY_UNAVAILABLE'] };

const kinds = {
  /** A query with a client token. */
  clientRead: [anyRequest, { 401: ['UNAUTHENTICATED'], 403: ['INSUFFICIENT_SCOPE', 'WRONG_TOKEN_TYPE'] }],
  /** A command with a client token. */
  clientWrite: [
    anyRequest,
    anyWrite,
    idempotent,
    commanding,
    { 401: ['UNAUTHENTICATED'], 403: ['INSUFFICIENT_SCOPE', 'WRONG_TOKEN_TYPE'] },
  ],
  /** A query with a user token. */
  userRead: [anyRequest, { 401: ['UNAUTHENTICATED'], 403: ['WRONG_TOKEN_TYPE'] }],
  /** A command with a user token. */
  userWrite: [anyRequest, anyWrite, idempotent, commanding, { 401: ['UNAUTHENTICATED'], 403: ['WRONG_TOKEN_TYPE'] }],
  /** A signed webhook: no token, so no Idempotency-Key either. */
  webhook: [anyRequest, anyWrite, commanding, { 403: ['WEBHOOK_SIGNATURE_INVALID', 'WEBHOOK_STALE'] }],
  /** A public read that touches nothing (JWKS). */
  open: [{ 400: ['VALIDATION_FAILED', 'INVALID_TEXT_ENCODING'], 429: ['RATE_LIMITED'] }],
  /** A health probe: not rate limited. */
  probe: [{ 400: ['VALIDATION_FAILED', 'INVALID_TEXT_ENCODING'] }],
} satisfies Record<string, ErrorAnswers[]>;

/** The answers of a route: those of its kind, and its own codes. */
export function answers(kind: keyof typeof kinds, own: ErrorAnswers = {}): Record<number, TSchema> {
  return errorAnswers(...kinds[kind], own);
}

function oauthExample(error: string, description: string) {
  return { summary: error, value: { error, error_description: description } };
}

function oauthAnswer(
  description: string,
  examples: Record<string, ReturnType<typeof oauthExample>>,
  headers?: Record<string, unknown>,
): TSchema {
  return Type.Unsafe({ ...OAuthErrorResponse, description, 'x-examples': examples, ...(headers ? { headers } : {}) });
}

/** /oauth/token answers errors the OAuth way (RFC 6749 §5.2), not in the envelope. */
export const oauthErrorAnswers: Record<number, TSchema> = {
  400: oauthAnswer(
    'The token request breaks its schema (invalid_request; unsupported_grant_type for a grant other than client_credentials), asks for a scope the client does not hold (invalid_scope, which RFC 6749 §5.2 answers 400 although the request fits the schema), or names a resource the client may not (invalid_target, RFC 8707 §2).',
    {
      invalid_request: oauthExample('invalid_request', 'The token request is not valid.'),
      unsupported_grant_type: oauthExample('unsupported_grant_type', 'Only client_credentials is supported.'),
      invalid_scope: oauthExample('invalid_scope', 'A requested scope is not granted to this client.'),
      invalid_target: oauthExample('invalid_target', 'A requested resource is not one this client may name.'),
    },
  ),
  401: oauthAnswer(
    'No client credentials, or wrong ones.',
    { invalid_client: oauthExample('invalid_client', 'Client authentication failed.') },
    {
      'WWW-Authenticate': { type: 'string', description: '`Basic realm="tessera"`.' },
    },
  ),
  413: oauthAnswer('The body is over the 16 KiB limit.', {
    invalid_request: oauthExample('invalid_request', 'The token request is not valid.'),
  }),
  415: oauthAnswer('The body is not application/x-www-form-urlencoded.', {
    invalid_request: oauthExample('invalid_request', 'The token request is not valid.'),
  }),
  429: oauthAnswer(
    'Too many token requests from this IP (RFC 8628 §3.5 slow_down): try again after `Retry-After` seconds.',
    {
      slow_down: oauthExample('slow_down', 'Too many token requests; try again later.'),
    },
    retryAfter('Seconds until the limit lets the next request through.'),
  ),
};

/** /oauth/introspect answers errors the OAuth way too: no grant, no scope, the same limits as every route. */
export const introspectionErrorAnswers: Record<number, TSchema> = {
  400: oauthAnswer('The introspection request breaks its schema (invalid_request).', {
    invalid_request: oauthExample('invalid_request', 'The introspection request is not valid.'),
  }),
  401: oauthErrorAnswers[401]!,
  413: oauthAnswer('The body is over the 16 KiB limit.', {
    invalid_request: oauthExample('invalid_request', 'The introspection request is not valid.'),
  }),
  415: oauthAnswer('The body is not application/x-www-form-urlencoded.', {
    invalid_request: oauthExample('invalid_request', 'The introspection request is not valid.'),
  }),
  429: oauthAnswer(
    'Too many requests from this IP (RFC 8628 §3.5 slow_down): try again after `Retry-After` seconds.',
    { slow_down: oauthExample('slow_down', 'Too many introspection requests; try again later.') },
    retryAfter('Seconds until the limit lets the next request through.'),
  ),
};

/** /oauth/revoke: the introspection's answers, an access token refused by type, and identity out of reach. */
export const revocationErrorAnswers: Record<number, TSchema> = {
  400: oauthAnswer(
    'The revocation request breaks its schema (invalid_request), or presents an access token (unsupported_token_type, RFC 7009 §2.2.1).',
    {
      invalid_request: oauthExample('invalid_request', 'The revocation request is not valid.'),
      unsupported_token_type: oauthExample(
        'unsupported_token_type',
        "Access tokens expire on their own; revoke the login's refresh token.",
      ),
    },
  ),
  401: oauthErrorAnswers[401]!,
  413: oauthAnswer('The body is over the 16 KiB limit.', {
    invalid_request: oauthExample('invalid_request', 'The revocation request is not valid.'),
  }),
  415: oauthAnswer('The body is not application/x-www-form-urlencoded.', {
    invalid_request: oauthExample('invalid_request', 'The revocation request is not valid.'),
  }),
  429: oauthAnswer(
    'Too many requests from this IP (RFC 8628 §3.5 slow_down): try again after `Retry-After` seconds.',
    { slow_down: oauthExample('slow_down', 'Too many revocation requests; try again later.') },
    retryAfter('Seconds until the limit lets the next request through.'),
  ),
  503: oauthAnswer(
    'Identity did not answer in time (RFC 7009 §2.2.1): the token may still work; retry after `Retry-After` seconds.',
    {
      temporarily_unavailable: oauthExample(
        'temporarily_unavailable',
        'The token could not be revoked now; try again later.',
      ),
    },
    retryAfter('Seconds to wait before trying again.'),
  ),
};
