/**
 * Accounts: more accounts beside the main one, KYC identifications and their
 * verdicts, manual activation, and portfolios on validated accounts.
 */
import type { IdentityEvent } from '@tessera/contracts';
import { accountOf, identificationOf } from './accountsState.ts';
import { accept, reject, type Decision } from './decision.ts';
import type { UserCommandRules } from './userDecider.ts';
import type { UserState } from './userState.ts';

export type AccountCommand =
  | { type: 'OpenAccount'; accountId: string }
  | { type: 'StartKyc'; identificationId: string; provider: string; maxAttempts: number }
  | { type: 'RecordKycVerdict'; identificationId: string; status: 'APPROVED' | 'REJECTED'; reason?: string }
  | { type: 'ActivateAccount'; accountId: string; note: string; activatedBy: string }
  | { type: 'CreatePortfolio'; accountId: string; portfolioId: string; name: string; publicAddress: string };

type Command<K extends AccountCommand['type']> = Extract<AccountCommand, { type: K }>;

export const accountRules: UserCommandRules<AccountCommand> = {
  OpenAccount: { decide: openAccount, withoutUser: 'USER_NOT_FOUND' },
  StartKyc: { decide: startKyc, withoutUser: 'USER_NOT_FOUND' },
  RecordKycVerdict: { decide: recordKycVerdict, withoutUser: 'USER_NOT_FOUND' },
  ActivateAccount: { decide: activateAccount, withoutUser: 'USER_NOT_FOUND' },
  CreatePortfolio: { decide: createPortfolio, withoutUser: 'USER_NOT_FOUND' },
};

/** Why a registered user may start no identification now; checked before the provider is asked, and again here. */
export function kycStartRefusal(state: UserState, maxAttempts: number) {
  if (state.kyc.status === 'APPROVED') return 'KYC_ALREADY_APPROVED' as const;
  if (state.kyc.attempts >= maxAttempts) return 'KYC_ATTEMPTS_EXHAUSTED' as const;
  return undefined;
}

/** Why no portfolio may be made on a registered user's account; checked before the wallet is asked for an address, and again here. */
export function portfolioRefusal(state: UserState, accountId: string, name: string) {
  const account = accountOf(state, accountId);
  if (!account) return 'ACCOUNT_NOT_FOUND' as const;
  if (account.status !== 'ACTIVE') return 'ACCOUNT_NOT_ACTIVE' as const;
  if (account.portfolioNames.includes(name.toLowerCase())) return 'PORTFOLIO_NAME_TAKEN' as const;
  return undefined;
}

/** Validation belongs to the user: once KYC is approved, a new account is valid from the start. */
function openAccount(command: Command<'OpenAccount'>, state: UserState): Decision {
  const { userId } = state;
  const { accountId } = command;
  const opened: IdentityEvent = { type: 'AccountOpened', data: { userId, accountId, kind: 'SUB' } };
  if (state.kyc.status !== 'APPROVED') return accept(opened);
  return accept(opened, { type: 'AccountActivated', data: { userId, accountId, reason: 'KYC_APPROVED' } });
}

function startKyc(command: Command<'StartKyc'>, state: UserState): Decision {
  const refusal = kycStartRefusal(state, command.maxAttempts);
  if (refusal) return reject(refusal);
  const { identificationId, provider } = command;
  const attempt = state.kyc.attempts + 1;
  return accept({ type: 'KycStarted', data: { userId: state.userId, identificationId, attempt, provider } });
}

/** A verdict counts once: the same verdict again records nothing, a contrary one is refused. Approval validates every pending account. */
function recordKycVerdict(command: Command<'RecordKycVerdict'>, state: UserState): Decision {
  const verdictSoFar = identificationOf(state, command.identificationId);
  if (!verdictSoFar) return reject('KYC_IDENTIFICATION_UNKNOWN');
  if (verdictSoFar === command.status) return accept();
  if (verdictSoFar !== 'PENDING') return reject('KYC_VERDICT_CONFLICT');
  const { userId } = state;
  const { identificationId } = command;
  if (command.status === 'REJECTED') {
    return accept({
      type: 'KycRejected',
      data: { userId, identificationId, ...(command.reason ? { reason: command.reason } : {}) },
    });
  }
  const pending = Object.entries(state.accounts)
    .filter(([, account]) => account.status !== 'ACTIVE')
    .map(([accountId]) => accountId);
  return accept(
    { type: 'KycApproved', data: { userId, identificationId } },
    ...pending.map((accountId): IdentityEvent => ({
      type: 'AccountActivated',
      data: { userId, accountId, reason: 'KYC_APPROVED' },
    })),
  );
}

function activateAccount(command: Command<'ActivateAccount'>, state: UserState): Decision {
  const account = accountOf(state, command.accountId);
  if (!account) return reject('ACCOUNT_NOT_FOUND');
  if (account.status === 'ACTIVE') return accept();
  const { accountId, note, activatedBy } = command;
  return accept({
    type: 'AccountActivated',
    data: { userId: state.userId, accountId, reason: 'MANUAL', note, activatedBy },
  });
}

/** The first portfolio of an account is its TRADING portfolio; later ones are STANDARD. */
function createPortfolio(command: Command<'CreatePortfolio'>, state: UserState): Decision {
  const refusal = portfolioRefusal(state, command.accountId, command.name);
  if (refusal) return reject(refusal);
  const { accountId, portfolioId, name, publicAddress } = command;
  const portfolioAccountType = accountOf(state, accountId)!.portfolioNames.length === 0 ? 'TRADING' : 'STANDARD';
  return accept({
    type: 'PortfolioCreated',
    data: { userId: state.userId, accountId, portfolioId, name, portfolioAccountType, publicAddress },
  });
}
