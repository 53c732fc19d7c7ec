/** Token introspection over fake read models: active with the claims for the caller's own live tokens, inactive otherwise. */
import t, { type Test } from 'tap';
import { hashSecretToken } from '@tessera/crypto';
import { gatewayWithFakeIdentity } from '../fakeIdentityGateway.ts';
import { type Request } from './routeChecks.ts';
import { aUser } from './viewMothers.ts';

const gateway = await gatewayWithFakeIdentity();
t.teardown(() => gateway.close());
const secret = 'partner-secret-0123456789';
await gateway.views.apiClients.upsert(
  'partner',
  {
    clientId: 'partner',
    name: 'Partner',
    scopes: ['users:write', 'users:read'],
    secretHash: hashSecretToken(secret),
    registeredAt: '2026-01-01T00:00:00.000Z',
    audiences: ['https://payments.partner.example'],
  },
  1,
);
await gateway.views.sessions.upsert('revoked-login', { familyId: 'revoked-login', userId: 'u1', revoked: true }, 1);

const basic = (id: string, password: string) => `Basic ${Buffer.from(`${id}:${password}`).toString('base64')}`;
const introspect = (
  form: string,
  headers: Record<string, string> = { authorization: basic('partner', secret) },
): Request => ({
  method: 'POST',
  url: '/oauth/introspect',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  payload: form,
});
const ofToken = (token: string) => `token=${encodeURIComponent(token)}`;

async function answerOf(t: Test, request: Request) {
  const answer = await gateway.app.inject(request);
  t.equal(answer.statusCode, 200);
  t.equal(answer.headers['cache-control'], 'no-store');
  return answer.json();
}

t.test('the caller must authenticate as a client: 401 invalid_client otherwise', async (t) => {
  for (const headers of [
    {} as Record<string, string>,
    { authorization: basic('partner', 'wrong') },
    { authorization: basic('nobody', secret) },
  ]) {
    const answer = await gateway.app.inject(introspect(ofToken(gateway.clientToken()), headers));
    t.equal(answer.statusCode, 401);
    t.match(answer.json(), { error: 'invalid_client', error_description: String });
    t.equal(answer.headers['www-authenticate'], 'Basic realm="tessera"');
  }
});

t.test('a request that breaks the schema is invalid_request, the OAuth way', async (t) => {
  const missing = await gateway.app.inject(introspect('token_type_hint=access_token'));
  t.equal(missing.statusCode, 400);
  t.match(missing.json(), { error: 'invalid_request' });
  const json = await gateway.app.inject({
    ...introspect(''),
    headers: { 'content-type': 'application/json', authorization: basic('partner', secret) },
    payload: '{}',
  });
  t.equal(json.statusCode, 415);
  t.match(json.json(), { error: 'invalid_request' });
});

t.test("the client's own token is active, with its claims", async (t) => {
  const body = await answerOf(t, introspect(ofToken(gateway.clientToken('users:read', 'partner'))));
  t.match(body, {
    active: true,
    token_type: 'Bearer',
    token_use: 'client',
    scope: 'users:read',
    client_id: 'partner',
    sub: 'partner',
    iss: 'http://localhost',
    aud: 'http://localhost',
    jti: String,
    iat: Number,
    exp: Number,
  });
});

t.test("a token of the client's own user is active, with the user's claims, by form credentials too", async (t) => {
  const token = gateway.userToken({ client_id: 'partner' });
  const body = await answerOf(t, introspect(`${ofToken(token)}&client_id=partner&client_secret=${secret}`, {}));
  t.match(body, { active: true, token_use: 'user', sub: 'u1', client_id: 'partner', scope: 'user', sid: 's1' });
  t.same(body.roles, ['USER']);
  t.notOk('fam' in body, 'the login family stays inside');
});

t.test("a token for one of the client's own resources (RFC 8707) is active, with that audience", async (t) => {
  const own = { token_use: 'client' as const, sub: 'partner', client_id: 'partner', scope: 'users:read' };
  const forPayments = gateway.app.signAccessToken(own, 300, 'https://payments.partner.example');
  t.match(await answerOf(t, introspect(ofToken(forPayments))), {
    active: true,
    aud: 'https://payments.partner.example',
  });
  const forElsewhere = gateway.app.signAccessToken(own, 300, 'https://elsewhere.example');
  t.same(await answerOf(t, introspect(ofToken(forElsewhere))), { active: false }, 'an audience it was never given');
});

t.test('inactive, and nothing else said: another client’s, expired, malformed, foreign or revoked', async (t) => {
  const now = Math.floor(Date.now() / 1000);
  const foreignType = gateway.app.jwt.sign(
    { token_use: 'client', sub: 'partner', client_id: 'partner', scope: 'users:read', exp: now + 60 },
    { header: { alg: 'EdDSA', typ: 'step-up+jwt' } },
  );
  for (const [token, why] of [
    [gateway.clientToken('users:read', 'acme'), 'another client’s token'],
    [gateway.userToken({ client_id: 'acme' }), 'a token of another client’s user'],
    [
      gateway.app.signAccessToken({ token_use: 'client', sub: 'partner', client_id: 'partner', scope: '' }, -10),
      'expired',
    ],
    ['not-a-token', 'malformed'],
    [foreignType, 'another type of JWT signed with the same key'],
    [gateway.userToken({ client_id: 'partner', fam: 'revoked-login' }), 'a token of a revoked login'],
  ] as const) {
    t.same(await answerOf(t, introspect(ofToken(token))), { active: false }, why);
  }
});

/** A step-up token of the partner's user, as POST /v1/user/otp answers it. */
const stepUpToken = (tokenId: string, familyId = 'f1', clientId = 'partner') =>
  gateway.stepUpToken({
    stepUpId: `step-up-${tokenId}`,
    action: 'ADD_BENEFICIARY',
    transactionHash: 'txn-hash',
    clientId,
    familyId,
    tokenId,
  });

t.test('a step-up token is active until consumed, with what it confirms', async (t) => {
  const token = await stepUpToken('t-live');
  const body = await answerOf(t, introspect(ofToken(token)));
  t.match(body, {
    active: true,
    token_use: 'step_up',
    sub: 'u1',
    client_id: 'partner',
    acr: 'urn:tessera:acr:sca',
    amr: ['pwd', 'sms'],
    auth_time: Number,
    jti: 't-live',
    action: 'ADD_BENEFICIARY',
    txn: 'txn-hash',
    exp: Number,
  });
  t.notOk('token_type' in body, 'not a bearer access token');
  await gateway.views.stepUpTokens.upsert(
    't-live',
    { tokenId: 't-live', userId: 'u1', stepUpId: 'step-up-t-live', consumedAt: new Date().toISOString() },
    2,
  );
  t.same(await answerOf(t, introspect(ofToken(token))), { active: false }, 'inactive once consumed');
});

t.test('a step-up token is inactive once its login ends, and for another client', async (t) => {
  const ofRevokedLogin = await stepUpToken('t-revoked', 'revoked-login');
  t.same(await answerOf(t, introspect(ofToken(ofRevokedLogin))), { active: false }, 'its login was revoked');
  const ofAcme = await stepUpToken('t-acme', 'f1', 'acme');
  t.same(await answerOf(t, introspect(ofToken(ofAcme))), { active: false }, 'another client’s step-up');
});

t.test(
  'a step-up token signed before its user changed phone number is inactive, one signed after is active',
  async (t) => {
    const ofUser = (userId: string, tokenId: string) =>
      gateway.stepUpToken({ userId, tokenId, stepUpId: `step-up-${tokenId}`, clientId: 'partner', familyId: 'f1' });
    const later = new Date(Date.now() + 1000).toISOString();
    await gateway.views.users.upsert('u-new-phone', aUser({ userId: 'u-new-phone', stepUpsRevokedAt: later }), 3);
    const before = await ofUser('u-new-phone', 't-before-change');
    t.same(await answerOf(t, introspect(ofToken(before))), { active: false }, 'revoked by the change');
    const earlier = new Date(Date.now() - 5000).toISOString();
    await gateway.views.users.upsert('u-old-change', aUser({ userId: 'u-old-change', stepUpsRevokedAt: earlier }), 4);
    const after = await ofUser('u-old-change', 't-after-change');
    t.match(
      await answerOf(t, introspect(ofToken(after))),
      { active: true, sub: 'u-old-change' },
      'asked after the change',
    );
  },
);
