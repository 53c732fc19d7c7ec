/**
 * How the OAuth endpoints (token, introspection) know their caller: the
 * client's id and secret, by HTTP Basic or in the form (RFC 6749 §2.3.1), and
 * their errors in OAuth's own JSON (RFC 6749 §5.2), not the envelope.
 */
import { ApiError } from '@tessera/contracts';
import { constantTimeEqual, hashSecretToken } from '@tessera/crypto';
import type { ViewCollection } from '@tessera/read-models';
import type { ApiClientView } from '@tessera/read-models/views';
import type { FastifyError, FastifyReply } from 'fastify';

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

/** An OAuth error answer, never cached; a 401 names the Basic scheme. */
export function oauthError(reply: FastifyReply, status: number, error: string, description: string) {
  void reply.header('cache-control', 'no-store');
  if (status === 401) void reply.header('www-authenticate', 'Basic realm="tessera"');
  return reply.status(status).send({ error, error_description: description });
}

/** The client whose id and secret the request presents (HTTP Basic, or the form's two fields), if the secret is its. */
export async function authenticatedClient(
  apiClients: ViewCollection<ApiClientView>,
  authorization: string | undefined,
  form: { client_id?: string; client_secret?: string },
): Promise<ApiClientView | undefined> {
  const credentials =
    basicCredentials(authorization) ??
    (form.client_id && form.client_secret ? { id: form.client_id, secret: form.client_secret } : undefined);
  if (!credentials) return undefined;
  const client = await apiClients.get(credentials.id);
  const presented = hashSecretToken(credentials.secret);
  return client && constantTimeEqual(presented, client.secretHash) ? client : undefined;
}

/** Errors before an OAuth route's handler (limits, schema, body) answer in OAuth's format. */
export function answerOAuthRequestError(error: FastifyError, reply: FastifyReply, what: string) {
  if (error instanceof ApiError && error.errorName === 'RATE_LIMITED') {
    // slow_down: OAuth's registered error for a client that asks too often (RFC 8628 §3.5).
    if (error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
    return oauthError(reply, 429, 'slow_down', `Too many ${what} requests; try again later.`);
  }
  const status = error.statusCode === 413 ? 413 : error.statusCode === 415 ? 415 : 400;
  return oauthError(reply, status, 'invalid_request', `The ${what} request is not valid.`);
}
