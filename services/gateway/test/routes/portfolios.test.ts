/** Creating and reading portfolios with a client token, over a fake identity and read models. */
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
import { aPortfolio, twoClientsUsers } from './viewMothers.ts';

const gateway = await gatewayWithFakeIdentity();
t.teardown(() => gateway.close());
await twoClientsUsers(gateway);

t.test('POST /v1/portfolio', async (t) => {
  const create = (payload: object = { accountId: 'a1', name: 'Savings' }): Request => ({
    method: 'POST',
    url: '/v1/portfolio',
    headers: { ...bearer(gateway.clientToken()), 'x-correlation-id': 'portfolio-0001' },
    payload,
  });
  const created = {
    userId: 'u1',
    accountId: 'a1',
    portfolioId: 'p9',
    name: 'Savings',
    portfolioAccountType: 'STANDARD' as const,
    publicAddress: 'addr-9',
    creationTs: '2026-01-03T00:00:00.000Z',
  };

  t.test('a body that breaks the schema is refused before identity', async (t) => {
    await assertSchemaRefusal(t, gateway, create({ accountId: 'a1', name: '' }));
    await assertSchemaRefusal(t, gateway, create({ accountId: 'a1', name: 'tab\there' }));
    await assertSchemaRefusal(t, gateway, create({ accountId: 'a1', name: 'n'.repeat(65) }));
    await assertSchemaRefusal(t, gateway, create({ name: 'Savings' }));
  });

  t.test('a client token with users:write is required', async (t) => {
    await assertClientTokenRequired(t, gateway, create(), 'users:write');
  });

  t.test('another client’s account, or one the read model does not hold, reads as absent', async (t) => {
    const before = gateway.sent.length;
    for (const accountId of ['a2', 'nothing']) {
      const request = create({ accountId, name: 'Savings' });
      assertError(t, gateway, request, await gateway.app.inject(request), 'ACCOUNT_NOT_FOUND', accountId);
    }
    t.equal(gateway.sent.length, before, 'identity is not asked');
  });

  t.test(
    'sends CreatePortfolio for the account’s user; answers what identity made until the view has it',
    async (t) => {
      gateway.answer(() => ({ ok: true, data: created }));
      const answer = await gateway.app.inject(create());
      t.equal(answer.statusCode, 200);
      t.same(answer.json().data, {
        portfolioId: 'p9',
        accountId: 'a1',
        name: 'Savings',
        portfolioAccountType: 'STANDARD',
        publicAddress: 'addr-9',
        creationTs: '2026-01-03T00:00:00.000Z',
      });
      t.same(lastCommand(gateway), {
        type: 'CreatePortfolio',
        metadata: { correlationId: 'portfolio-0001', clientId: 'acme' },
        payload: { userId: 'u1', accountId: 'a1', name: 'Savings' },
      });
    },
  );

  t.test('answers the portfolio’s view once the view has it', async (t) => {
    const view = aPortfolio({ portfolioId: 'p8', name: 'Savings', publicAddress: 'addr-from-view' });
    await gateway.views.portfolios.upsert('p8', view, 9);
    gateway.answer(() => ({ ok: true, data: { ...created, portfolioId: 'p8' } }));
    const answer = await gateway.app.inject(create());
    t.match(answer.json().data, { portfolioId: 'p8', publicAddress: 'addr-from-view' });
  });

  t.test('identity’s refusals are answered with their catalogued status and envelope', async (t) => {
    await assertRefusalsMapped(t, gateway, create(), [
      'ACCOUNT_NOT_ACTIVE',
      'PORTFOLIO_NAME_TAKEN',
      'ACCOUNT_NOT_FOUND',
      'USER_NOT_FOUND',
      'DEPENDENCY_UNAVAILABLE',
    ]);
  });
});

t.test('GET /v1/portfolio/:portfolioId', async (t) => {
  const read = (portfolioId: string): Request => ({
    method: 'GET',
    url: `/v1/portfolio/${portfolioId}`,
    headers: bearer(gateway.clientToken('users:read')),
  });

  t.test('a portfolio id that breaks the schema is refused', async (t) => {
    await assertSchemaRefusal(t, gateway, read('p%2F1'));
    await assertSchemaRefusal(t, gateway, read('p'.repeat(65)));
  });

  t.test('a path parameter over 100 characters is a 414', async (t) => {
    const request = read('p'.repeat(101));
    assertError(t, gateway, request, await gateway.app.inject(request), 'URI_TOO_LONG');
  });

  t.test('a client token with users:read is required', async (t) => {
    await assertClientTokenRequired(t, gateway, read('p1'), 'users:read');
  });

  t.test('answers the portfolio from the read model, without asking identity', async (t) => {
    const before = gateway.sent.length;
    const answer = await gateway.app.inject(read('p1'));
    t.equal(answer.statusCode, 200);
    t.same(answer.json().data, {
      portfolioId: 'p1',
      accountId: 'a1',
      name: 'Main',
      portfolioAccountType: 'TRADING',
      publicAddress: 'addr-1',
      creationTs: '2026-01-01T10:05:00.000Z',
    });
    t.equal(gateway.sent.length, before);
  });

  t.test('another client’s portfolio, or one the read model does not hold, reads as absent', async (t) => {
    for (const portfolioId of ['p2', 'nothing']) {
      const request = read(portfolioId);
      assertError(t, gateway, request, await gateway.app.inject(request), 'PORTFOLIO_NOT_FOUND', portfolioId);
    }
  });
});
