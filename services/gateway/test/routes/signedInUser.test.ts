/** What a signed-in user does with a user token, over a fake identity: log out, read their profile. */
import t from 'tap';
import { gatewayWithFakeIdentity } from '../fakeIdentityGateway.ts';
import {
  assertError,
  assertRefusalsMapped,
  assertSchemaRefusal,
  assertUserTokenRequired,
  bearer,
  lastCommand,
  type Request,
} from './routeChecks.ts';
import { aUser } from './viewMothers.ts';

const gateway = await gatewayWithFakeIdentity();
t.teardown(() => gateway.close());

t.test('POST /v1/user/logout', async (t) => {
  const logout = (headers: Record<string, string> = {}): Request => ({
    method: 'POST',
    url: '/v1/user/logout',
    headers: { ...bearer(gateway.userToken()), 'x-correlation-id': 'logout-0001', ...headers },
  });

  t.test('a request that breaks the schema is refused before identity', async (t) => {
    await assertSchemaRefusal(t, gateway, logout({ 'idempotency-key': 'not a key' }));
    await assertSchemaRefusal(
      t,
      gateway,
      { ...logout({ 'content-type': 'application/json' }), payload: '{"all":' },
      'MALFORMED_BODY',
    );
  });

  t.test('a user token of a live login is required', async (t) => {
    await assertUserTokenRequired(t, gateway, logout());
  });

  t.test('sends Logout for the token’s user and login, and answers logged out', async (t) => {
    gateway.answer(() => ({ ok: true, data: { loggedOut: true } }));
    const answer = await gateway.app.inject(logout());
    t.equal(answer.statusCode, 200);
    t.equal(answer.headers['cache-control'], 'no-store');
    t.same(answer.json(), { success: true, data: { loggedOut: true }, errorCode: 0, errorMessage: '' });
    t.same(lastCommand(gateway), {
      type: 'Logout',
      metadata: { correlationId: 'logout-0001', clientId: 'acme' },
      payload: { userId: 'u1', familyId: 'f1' },
    });
  });

  t.test('identity’s refusals are answered with their catalogued status and envelope', async (t) => {
    await assertRefusalsMapped(t, gateway, logout(), ['DEPENDENCY_UNAVAILABLE']);
  });
});

t.test('GET /v1/user/me', async (t) => {
  const me = (query = '', token = gateway.userToken()): Request => ({
    method: 'GET',
    url: `/v1/user/me${query}`,
    headers: bearer(token),
  });

  t.test('a query that is not UTF-8 is refused', async (t) => {
    await assertSchemaRefusal(t, gateway, me('?x=%FF'), 'INVALID_TEXT_ENCODING');
  });

  t.test('a user token of a live login is required', async (t) => {
    await assertUserTokenRequired(t, gateway, me());
  });

  t.test('answers the user from the read model, without asking identity', async (t) => {
    const before = gateway.sent.length;
    await gateway.views.users.upsert('u1', aUser(), 7);
    const answer = await gateway.app.inject(me());
    t.equal(answer.statusCode, 200);
    t.equal(answer.headers['cache-control'], 'no-store');
    t.same(answer.json().data, {
      userId: 'u1',
      email: 'ada@example.com',
      phoneNumber: '+33612345678',
      phoneVerified: true,
      roles: ['USER'],
      userAccountStatus: 'ACTIVE',
      kycStatus: 'APPROVED',
      accounts: [{ accountId: 'a1', kind: 'MAIN', status: 'ACTIVE' }],
      portfolios: [
        { portfolioId: 'p1', name: 'Main', portfolioAccountType: 'TRADING', accountId: 'a1', publicAddress: 'addr-1' },
      ],
      createdAt: '2026-01-01T10:00:00.000Z',
      recoveryCodesLeft: 0,
    });
    t.equal(gateway.sent.length, before);
  });

  t.test('shows how many recovery codes are left, never the codes', async (t) => {
    await gateway.views.users.upsert('u1', { ...aUser(), recoveryCodesLeft: 7 }, 8);
    const answer = await gateway.app.inject(me());
    t.equal(answer.json().data.recoveryCodesLeft, 7);
    t.notMatch(answer.body, /recoveryCodes"/, 'no list of codes');
  });

  t.test('a user the read model does not hold, or whose data was erased, is not found', async (t) => {
    const absent = me('', gateway.userToken({ sub: 'nobody' }));
    assertError(t, gateway, absent, await gateway.app.inject(absent), 'USER_NOT_FOUND');
    await gateway.views.users.upsert('u3', aUser({ userId: 'u3', email: '', phoneNumber: '', erased: true }), 9);
    const erased = me('', gateway.userToken({ sub: 'u3' }));
    assertError(t, gateway, erased, await gateway.app.inject(erased), 'USER_NOT_FOUND');
  });
});
