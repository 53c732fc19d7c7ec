/** The accounts part of a user's state: accounts, KYC, portfolios. Pure: no I/O, no clock. */
import type { IdentityEvent } from '@tessera/contracts';
import type { UserState } from './userState.ts';

export interface AccountState {
  kind: 'MAIN' | 'SUB';
  status: 'PENDING_KYC' | 'ACTIVE';
  /** Portfolios on the account, in creation order, by lower-cased name. */
  portfolioNames: string[];
}

export type KycVerdict = 'PENDING' | 'APPROVED' | 'REJECTED';

export interface KycState {
  /** APPROVED once any identification was approved; it is never taken back. */
  status: 'NOT_STARTED' | KycVerdict;
  /** Identifications started so far. */
  attempts: number;
  /** Verdict of each identification, by the provider's id. */
  identifications: Record<string, KycVerdict>;
}

export function evolveAccounts(state: UserState, event: IdentityEvent): UserState {
  switch (event.type) {
    case 'AccountOpened':
      return withAccount(state, event.data.accountId, {
        kind: event.data.kind,
        status: 'PENDING_KYC',
        portfolioNames: [],
      });
    case 'AccountActivated': {
      const account = accountOf(state, event.data.accountId);
      return account ? withAccount(state, event.data.accountId, { ...account, status: 'ACTIVE' }) : state;
    }
    case 'PortfolioCreated': {
      const account = accountOf(state, event.data.accountId);
      if (!account) return state;
      const portfolioNames = [...account.portfolioNames, event.data.name.toLowerCase()];
      return withAccount(state, event.data.accountId, { ...account, portfolioNames });
    }
    case 'KycStarted':
      return withKyc(state, event.data.identificationId, 'PENDING', event.data.attempt);
    case 'KycApproved':
      return withKyc(state, event.data.identificationId, 'APPROVED');
    case 'KycRejected':
      return withKyc(state, event.data.identificationId, 'REJECTED');
    default:
      return state;
  }
}

/** An account of the user, if any. Account ids arrive from callers, so only own keys count. */
export function accountOf(state: UserState, accountId: string): AccountState | undefined {
  return Object.hasOwn(state.accounts, accountId) ? state.accounts[accountId] : undefined;
}

/** The verdict of one of the user's identifications, if it is theirs. */
export function identificationOf(state: UserState, identificationId: string): KycVerdict | undefined {
  return Object.hasOwn(state.kyc.identifications, identificationId)
    ? state.kyc.identifications[identificationId]
    : undefined;
}

function withAccount(state: UserState, accountId: string, account: AccountState): UserState {
  return { ...state, accounts: { ...state.accounts, [accountId]: account } };
}

/** An identification's verdict; the user's KYC follows it, except that an approval is never taken back. */
function withKyc(
  state: UserState,
  identificationId: string,
  verdict: KycVerdict,
  attempts = state.kyc.attempts,
): UserState {
  const status = state.kyc.status === 'APPROVED' ? 'APPROVED' : verdict;
  const identifications = { ...state.kyc.identifications, [identificationId]: verdict };
  return { ...state, kyc: { status, attempts, identifications } };
}
