/** The rules after sign-up: more accounts, KYC attempts and verdicts, manual activation, portfolios. */
import t from 'tap';
import type { IdentityEvent } from '@tessera/contracts';
import { registered, userId, userSpecification as user } from './mothers.ts';
const main: IdentityEvent = { type: 'AccountOpened', data: { userId, accountId: 'main', kind: 'MAIN' } };
const sub: IdentityEvent = { type: 'AccountOpened', data: { userId, accountId: 'sub', kind: 'SUB' } };
const kycStarted = (identificationId: string, attempt: number): IdentityEvent => ({
  type: 'KycStarted',
  data: { userId, identificationId, attempt, provider: 'dev' },
});
const approved = (identificationId: string): IdentityEvent => ({
  type: 'KycApproved',
  data: { userId, identificationId },
});
const activated = (accountId: string, reason: 'KYC_APPROVED' | 'MANUAL' = 'KYC_APPROVED'): IdentityEvent => ({
  type: 'AccountActivated',
  data: { userId, accountId, reason },
});
const portfolio = (
  accountId: string,
  portfolioId: string,
  name: string,
  portfolioAccountType: 'TRADING' | 'STANDARD',
): IdentityEvent => ({
  type: 'PortfolioCreated',
  data: { userId, accountId, portfolioId, name, portfolioAccountType, publicAddress: `addr-${portfolioId}` },
});
const startKyc = (identificationId: string, maxAttempts = 3) => ({
  type: 'StartKyc' as const,
  identificationId,
  provider: 'dev',
  maxAttempts,
});
const verdict = (identificationId: string, status: 'APPROVED' | 'REJECTED', reason?: string) => ({
  type: 'RecordKycVerdict' as const,
  identificationId,
  status,
  ...(reason ? { reason } : {}),
});
const createPortfolio = (accountId: string, portfolioId: string, name: string) => ({
  type: 'CreatePortfolio' as const,
  accountId,
  portfolioId,
  name,
  publicAddress: `addr-${portfolioId}`,
});

t.test('another account is pending until KYC is approved, and valid at once after', async (t) => {
  user(t).given([registered(), main]).when({ type: 'OpenAccount', accountId: 'sub' }).then([sub]);
  user(t)
    .given([registered(), main, kycStarted('k1', 1), approved('k1'), activated('main')])
    .when({ type: 'OpenAccount', accountId: 'sub' })
    .then([sub, activated('sub')]);
  user(t).given([]).when({ type: 'OpenAccount', accountId: 'sub' }).thenRejects('USER_NOT_FOUND');
});

t.test('KYC attempts are counted and limited; an approved user starts no more', async (t) => {
  user(t)
    .given([registered(), main])
    .when(startKyc('k1'))
    .then([kycStarted('k1', 1)]);
  user(t)
    .given([
      registered(),
      main,
      kycStarted('k1', 1),
      { type: 'KycRejected', data: { userId, identificationId: 'k1', reason: 'blurry' } },
    ])
    .when(startKyc('k2'))
    .then([kycStarted('k2', 2)]);
  user(t)
    .given([registered(), main, kycStarted('k1', 1), kycStarted('k2', 2), kycStarted('k3', 3)])
    .when(startKyc('k4'))
    .thenRejects('KYC_ATTEMPTS_EXHAUSTED');
  user(t)
    .given([registered(), main, kycStarted('k1', 1), approved('k1'), activated('main')])
    .when(startKyc('k2'))
    .thenRejects('KYC_ALREADY_APPROVED');
});

t.test('an approval validates every pending account; a rejection records why', async (t) => {
  user(t)
    .given([registered(), main, sub, kycStarted('k1', 1)])
    .when(verdict('k1', 'APPROVED'))
    .then([approved('k1'), activated('main'), activated('sub')]);
  user(t)
    .given([registered(), main, kycStarted('k1', 1)])
    .when(verdict('k1', 'REJECTED', 'document expired'))
    .then([{ type: 'KycRejected', data: { userId, identificationId: 'k1', reason: 'document expired' } }]);
});

t.test(
  'a verdict counts once: repeated it records nothing, contradicted it is refused, unknown it is refused',
  async (t) => {
    user(t)
      .given([registered(), main, kycStarted('k1', 1), approved('k1'), activated('main')])
      .when(verdict('k1', 'APPROVED'))
      .then([]);
    user(t)
      .given([registered(), main, kycStarted('k1', 1), approved('k1'), activated('main')])
      .when(verdict('k1', 'REJECTED'))
      .thenRejects('KYC_VERDICT_CONFLICT');
    user(t)
      .given([registered(), main, kycStarted('k1', 1)])
      .when(verdict('someone-elses', 'APPROVED'))
      .thenRejects('KYC_IDENTIFICATION_UNKNOWN');
    user(t)
      .given([registered(), main, kycStarted('k1', 1)])
      .when(verdict('constructor', 'APPROVED'))
      .thenRejects('KYC_IDENTIFICATION_UNKNOWN');
  },
);

t.test('manual activation records who and why, once', async (t) => {
  user(t)
    .given([registered(), main])
    .when({ type: 'ActivateAccount', accountId: 'main', note: 'KYC done by phone', activatedBy: 'acme' })
    .then([
      {
        type: 'AccountActivated',
        data: { userId, accountId: 'main', reason: 'MANUAL', note: 'KYC done by phone', activatedBy: 'acme' },
      },
    ]);
  user(t)
    .given([registered(), main, activated('main', 'MANUAL')])
    .when({ type: 'ActivateAccount', accountId: 'main', note: 'again', activatedBy: 'acme' })
    .then([]);
  user(t)
    .given([registered(), main])
    .when({ type: 'ActivateAccount', accountId: 'other', note: 'x', activatedBy: 'acme' })
    .thenRejects('ACCOUNT_NOT_FOUND');
});

t.test(
  'portfolios: none before the account is validated; the first is TRADING, later ones STANDARD; names unique per account',
  async (t) => {
    user(t)
      .given([registered(), main])
      .when(createPortfolio('main', 'p1', 'Main'))
      .thenRejects('ACCOUNT_NOT_ACTIVE');
    user(t)
      .given([registered(), main, activated('main')])
      .when(createPortfolio('main', 'p1', 'Main'))
      .then([portfolio('main', 'p1', 'Main', 'TRADING')]);
    user(t)
      .given([registered(), main, activated('main'), portfolio('main', 'p1', 'Main', 'TRADING')])
      .when(createPortfolio('main', 'p2', 'Savings'))
      .then([portfolio('main', 'p2', 'Savings', 'STANDARD')]);
    user(t)
      .given([registered(), main, activated('main'), portfolio('main', 'p1', 'Main', 'TRADING')])
      .when(createPortfolio('main', 'p2', 'MAIN'))
      .thenRejects('PORTFOLIO_NAME_TAKEN');
    user(t)
      .given([registered(), main, activated('main')])
      .when(createPortfolio('toString', 'p1', 'Main'))
      .thenRejects('ACCOUNT_NOT_FOUND');
    user(t)
      .given([registered(), main, sub, activated('main'), activated('sub'), portfolio('main', 'p1', 'Main', 'TRADING')])
      .when(createPortfolio('sub', 'p2', 'Main'))
      .then([portfolio('sub', 'p2', 'Main', 'TRADING')]);
  },
);
