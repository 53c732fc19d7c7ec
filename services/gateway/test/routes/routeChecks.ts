/**
 * Checks every route test makes, on the gateway over fake ports: a schema
 * failure, a missing or wrong token, each refusal of identity — each answered
 * with its catalogued status and envelope, and declared in the route's own
 * OpenAPI answers.
 */
import { errorCatalogue, type CommandResult, type ErrorName } from '@tessera/contracts';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Test } from 'tap';
import type { FakeIdentityGateway } from '../fakeIdentityGateway.ts';

export type Request = Omit<InjectOptions, 'headers'> & {
  method: string;
  url: string;
  headers?: Record<string, string>;
};

export const refused = (error: ErrorName, retryAfterSeconds?: number): CommandResult => ({
  ok: false,
  error,
  ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
});

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The request with this bearer token instead of its own, or with none. */
function withAuthorization(request: Request, token: string | undefined): Request {
  const { authorization: _own, ...headers } = request.headers ?? {};
  return { ...request, headers: { ...headers, ...(token === undefined ? {} : bearer(token)) } };
}

interface OpenApi {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { examples?: object }> }> }>
  >;
}

/** The catalogued errors the operation declares for `status`, by name. */
export function declaredErrors(gateway: FakeIdentityGateway, request: Request, status: number): string[] {
  const document = (gateway.app as unknown as { swagger(): OpenApi }).swagger();
  const path = request.url.split('?')[0] ?? '';
  // The operation's path in the document: `/v1/account/{accountId}` for `/v1/account/a1`; a static path first,
  // as the router matches it (`/v1/user/sessions/revoke-others` before `/v1/user/sessions/{sessionId}`).
  const template = Object.hasOwn(document.paths, path)
    ? path
    : Object.keys(document.paths).find((each) => new RegExp(`^${each.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path));
  const operation = document.paths[template ?? path]?.[request.method.toLowerCase()];
  const examples = operation?.responses[String(status)]?.content?.['application/json']?.examples ?? {};
  return Object.keys(examples);
}

/** The answer is the error's envelope, with its catalogued status, and the operation declares it. */
export function assertError(
  t: Test,
  gateway: FakeIdentityGateway,
  request: Request,
  answer: LightMyRequestResponse,
  name: ErrorName,
  label: string = name,
) {
  const { status, errorCode, message } = errorCatalogue[name];
  t.equal(answer.statusCode, status, `${label}: status ${status}`);
  t.same(answer.json(), { success: false, data: null, errorCode, errorMessage: message }, `${label}: ${name}`);
  t.ok(declaredErrors(gateway, request, status).includes(name), `${label}: declared in the operation's answers`);
}

/** A request that breaks the schema: 400 with `errorCode`, declared, and identity is not asked. */
export async function assertSchemaRefusal(
  t: Test,
  gateway: FakeIdentityGateway,
  request: Request,
  name: ErrorName = 'VALIDATION_FAILED',
) {
  const before = gateway.sent.length;
  const answer = await gateway.app.inject(request);
  t.equal(answer.statusCode, 400, 'status 400');
  t.match(answer.json(), {
    success: false,
    data: null,
    errorCode: errorCatalogue[name].errorCode,
    errorMessage: String,
  });
  t.ok(declaredErrors(gateway, request, 400).includes(name), `${name} declared in the operation's answers`);
  t.equal(gateway.sent.length, before, 'identity is not asked');
  return answer;
}

/**
 * Without a client token, with one that does not verify, or with one that has
 * expired: 401. With a user token, or a client token without `scope`: 403.
 * Identity is asked nothing.
 */
export async function assertClientTokenRequired(
  t: Test,
  gateway: FakeIdentityGateway,
  request: Request,
  scope: string,
) {
  const before = gateway.sent.length;
  const withToken = (token: string | undefined) => withAuthorization(request, token);
  const expired = gateway.app.signAccessToken({ token_use: 'client', sub: 'acme', client_id: 'acme', scope }, -10);
  const otherScopes = ['users:write', 'users:read', 'accounts:manage'].filter((each) => each !== scope).join(' ');
  for (const [token, name, why] of [
    [undefined, 'UNAUTHENTICATED', 'no token'],
    ['not-a-token', 'UNAUTHENTICATED', 'a token that does not verify'],
    [expired, 'UNAUTHENTICATED', 'an expired token'],
    [gateway.userToken(), 'WRONG_TOKEN_TYPE', 'a user token'],
    [gateway.clientToken(otherScopes), 'INSUFFICIENT_SCOPE', `a client token without ${scope}`],
  ] as const) {
    const answer = await gateway.app.inject(withToken(token));
    assertError(t, gateway, request, answer, name, why);
  }
  t.equal(gateway.sent.length, before, 'identity is not asked');
}

/**
 * Without a user token, with one that does not verify, or of a login that was
 * revoked: 401. With a client token: 403. Identity is asked nothing.
 */
export async function assertUserTokenRequired(t: Test, gateway: FakeIdentityGateway, request: Request) {
  const before = gateway.sent.length;
  await gateway.views.sessions.upsert('revoked-login', { familyId: 'revoked-login', userId: 'u1', revoked: true }, 1);
  const withToken = (token: string | undefined) => withAuthorization(request, token);
  for (const [token, name, why] of [
    [undefined, 'UNAUTHENTICATED', 'no token'],
    ['not-a-token', 'UNAUTHENTICATED', 'a token that does not verify'],
    [gateway.userToken({ fam: 'revoked-login' }), 'UNAUTHENTICATED', 'a token of a revoked login'],
    [gateway.clientToken(), 'WRONG_TOKEN_TYPE', 'a client token'],
  ] as const) {
    const answer = await gateway.app.inject(withToken(token));
    assertError(t, gateway, request, answer, name, why);
  }
  t.equal(gateway.sent.length, before, 'identity is not asked');
}

/** Each refusal identity may answer reaches the caller with its catalogued status and envelope, as declared. */
export async function assertRefusalsMapped(
  t: Test,
  gateway: FakeIdentityGateway,
  request: Request,
  names: ErrorName[],
) {
  for (const name of names) {
    gateway.answer(() => refused(name));
    const answer = await gateway.app.inject(request);
    assertError(t, gateway, request, answer, name);
  }
}

/** The last command identity received. */
export function lastCommand(gateway: FakeIdentityGateway) {
  return gateway.sent.at(-1);
}
