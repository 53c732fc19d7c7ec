/** Read-model documents as the projector writes them, for route tests to put in the fake gateway's views. */
import type { FakeIdentityGateway } from '../fakeIdentityGateway.ts';

type Views = FakeIdentityGateway['views'];
type DocumentOf<K extends keyof Views> = Parameters<Views[K]['upsert']>[1];

/** User `u1`, signed up through client `acme`, with a validated main account `a1` and its TRADING portfolio `p1`. */
export function aUser(overrides: Partial<DocumentOf<'users'>> = {}): DocumentOf<'users'> {
  return {
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
    clientId: 'acme',
    createdAt: '2026-01-01T10:00:00.000Z',
    updatedAt: '2026-01-01T10:05:00.000Z',
    version: 7,
    ...overrides,
  };
}

export function anAccount(overrides: Partial<DocumentOf<'accounts'>> = {}): DocumentOf<'accounts'> {
  return {
    accountId: 'a1',
    userId: 'u1',
    kind: 'MAIN',
    status: 'ACTIVE',
    openedAt: '2026-01-01T10:00:00.000Z',
    activatedAt: '2026-01-01T10:04:00.000Z',
    activationReason: 'KYC_APPROVED',
    portfolios: [{ portfolioId: 'p1', name: 'Main', portfolioAccountType: 'TRADING' }],
    ...overrides,
  };
}

export function aPortfolio(overrides: Partial<DocumentOf<'portfolios'>> = {}): DocumentOf<'portfolios'> {
  return {
    portfolioId: 'p1',
    accountId: 'a1',
    userId: 'u1',
    name: 'Main',
    portfolioAccountType: 'TRADING',
    publicAddress: 'addr-1',
    creationTs: '2026-01-01T10:05:00.000Z',
    ...overrides,
  };
}

/**
 * The views of two users: `u1` of client `acme` (account `a1`, portfolio `p1`),
 * and `u2` of client `globex` (account `a2`, portfolio `p2`), whom `acme` must not see.
 */
export async function twoClientsUsers(gateway: FakeIdentityGateway): Promise<void> {
  const { users, accounts, portfolios } = gateway.views;
  await users.upsert('u1', aUser(), 7);
  await accounts.upsert('a1', anAccount(), 7);
  await portfolios.upsert('p1', aPortfolio(), 7);
  const other = { userId: 'u2', accounts: [{ accountId: 'a2', kind: 'MAIN' as const, status: 'ACTIVE' as const }] };
  await users.upsert('u2', aUser({ ...other, clientId: 'globex', portfolios: [] }), 3);
  await accounts.upsert('a2', anAccount({ accountId: 'a2', userId: 'u2', portfolios: [] }), 3);
  await portfolios.upsert('p2', aPortfolio({ portfolioId: 'p2', accountId: 'a2', userId: 'u2' }), 3);
}
