/** Opening and reading accounts with a client token, over a fake identity and read models. */
import t from 'tap';
import { gatewayWithFakeIdentity } from '../fakeIdentityGateway.ts';
import {
  assertClientTokenRequired,
  assertError,
  assertRefusalsMapped,
  assertSchemaRefusal,
  bearer,
  lastCommand,
  type Request,
} from './routeChecks.ts';
import { anAccount, twoClientsUsers } from './viewMothers.ts';

const gateway = await gatewayWithFakeIdentity();
t.teardown(() => gateway.close());
await twoClientsUsers(gateway);

t.test('POST /v1/account', async (t) => {
  const open = (payload: object = { userId: 'u1' }): Request => ({
    method: 'POST',
    url: '/v1/account',
    headers: { ...bearer(gateway.clientToken()), 'x-correlation-id': 'open-account-1' },
    payload,
  });
  const opened = { userId: 'u1', accountId: 'a9', kind: 'SUB' as const, status: 'ACTIVE' as const };

  t.test('a body that breaks the schema is refused before identity', async (t) => {
    await assertSchemaRefusal(t, gateway, open({ userId: 'not an id' }));
    await assertSchemaRefusal(t, gateway, open({}));
    await assertSchemaRefusal(t, gateway, open({ userId: 'u1', kind: 'MAIN' }));
  });

  t.test('a client token with users:write is required', async (t) => {
    await assertClientTokenRequired(t, gateway, open(), 'users:write');
  });

  t.test('another client’s user, or one the read model does not hold, reads as absent', async (t) => {
    const before = gateway.sent.length;
    for (const userId of ['u2', 'nobody']) {
      const request = open({ userId });
      assertError(t, gateway, request, await gateway.app.inject(request), 'USER_NOT_FOUND', userId);
    }
    t.equal(gateway.sent.length, before, 'identity is not asked');
  });

  t.test('sends OpenAccount for the user; answers from what identity said until the view has it', async (t) => {
    gateway.answer(() => ({ ok: true, data: opened }));
    const answer = await gateway.app.inject(open());
    t.equal(answer.statusCode, 200);
    t.match(answer.json().data, { accountId: 'a9', userId: 'u1', kind: 'SUB', status: 'ACTIVE', portfolios: [] });
    t.ok(Date.parse(answer.json().data.openedAt) > 0, 'with the time it was opened');
    t.same(lastCommand(gateway), {
      type: 'OpenAccount',
      metadata: { correlationId: 'open-account-1', clientId: 'acme' },
      payload: { userId: 'u1' },
    });
  });

  t.test('answers the account’s view once the view has it', async (t) => {
    const view = anAccount({ accountId: 'a9', kind: 'SUB', openedAt: '2026-01-02T00:00:00.000Z', portfolios: [] });
    await gateway.views.accounts.upsert('a9', view, 8);
    gateway.answer(() => ({ ok: true, data: opened }));
    const answer = await gateway.app.inject(open());
    t.same(answer.json().data, {
      accountId: 'a9',
      userId: 'u1',
      kind: 'SUB',
      status: 'ACTIVE',
      openedAt: '2026-01-02T00:00:00.000Z',
      activatedAt: '2026-01-01T10:04:00.000Z',
      portfolios: [],
    });
  });

  t.test('identity’s refusals are answered with their catalogued status and envelope', async (t) => {
    await assertRefusalsMapped(t, gateway, open(), ['USER_NOT_FOUND', 'DEPENDENCY_UNAVAILABLE']);
  });
});

t.test('GET /v1/account/:accountId', async (t) => {
  const read = (accountId: string, token = gateway.clientToken('users:read')): Request => ({
    method: 'GET',
    url: `/v1/account/${accountId}`,
    headers: bearer(token),
  });

  t.test('an account id that breaks the schema is refused', async (t) => {
    await assertSchemaRefusal(t, gateway, read('not%20an%20id'));
    await assertSchemaRefusal(t, gateway, read('a'.repeat(65)));
  });

  t.test('a path parameter over 100 characters is a 414', async (t) => {
    const request = read('a'.repeat(101));
    assertError(t, gateway, request, await gateway.app.inject(request), 'URI_TOO_LONG');
  });

  t.test('a client token with users:read is required', async (t) => {
    await assertClientTokenRequired(t, gateway, read('a1'), 'users:read');
  });

  t.test('answers the account from the read model, without asking identity', async (t) => {
    const before = gateway.sent.length;
    const answer = await gateway.app.inject(read('a1'));
    t.equal(answer.statusCode, 200);
    t.same(answer.json().data, {
      accountId: 'a1',
      userId: 'u1',
      kind: 'MAIN',
      status: 'ACTIVE',
      openedAt: '2026-01-01T10:00:00.000Z',
      activatedAt: '2026-01-01T10:04:00.000Z',
      portfolios: [{ portfolioId: 'p1', name: 'Main', portfolioAccountType: 'TRADING' }],
    });
    t.equal(gateway.sent.length, before);
  });

  t.test('another client’s account, or one the read model does not hold, reads as absent', async (t) => {
    for (const accountId of ['a2', 'nothing']) {
      const request = read(accountId);
      assertError(t, gateway, request, await gateway.app.inject(request), 'ACCOUNT_NOT_FOUND', accountId);
    }
  });
});
