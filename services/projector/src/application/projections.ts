/**
 * Pure projections: given the current document and an event, the next
 * document (undefined: no change). The projector stores the result guarded by
 * the event's position, so a redelivered event is a no-op.
 */
import type { EventMessageValue } from '@tessera/contracts';
import type { AccountView, ApiClientView, KycIdentificationView, PortfolioView, UserView } from './views.ts';

type Data = Record<string, unknown>;
const str = (data: Data, key: string) => String(data[key] ?? '');

/**
 * Every event of a user moves the view's version, even one that changes no
 * field, so a caller waiting for "my write is visible" always sees it arrive.
 */
export function projectUser(current: UserView | undefined, event: EventMessageValue): UserView | undefined {
  const next = nextUser(current, event) ?? current;
  return next && { ...next, version: event.position };
}

function nextUser(current: UserView | undefined, event: EventMessageValue): UserView | undefined {
  const { data } = event;
  const at = event.recordedAt;
  if (event.type === 'UserRegistered') {
    return {
      userId: str(data, 'userId'),
      email: str(data, 'email'),
      phoneNumber: str(data, 'phoneNumber'),
      phoneVerified: false,
      roles: (data.roles as string[]) ?? [],
      userAccountStatus: 'PENDING_KYC',
      kycStatus: 'NOT_STARTED',
      accounts: [],
      portfolios: [],
      clientId: str(data, 'clientId'),
      createdAt: at,
      updatedAt: at,
      version: event.position,
    };
  }
  if (!current) return undefined;
  switch (event.type) {
    case 'AccountOpened': {
      const accountId = str(data, 'accountId');
      if (current.accounts.some((account) => account.accountId === accountId)) return undefined;
      const account = { accountId, kind: data.kind as AccountView['kind'], status: 'PENDING_KYC' as const };
      return { ...current, accounts: [...current.accounts, account], updatedAt: at };
    }
    case 'PhoneNumberVerified':
      return { ...current, phoneVerified: true, updatedAt: at };
    case 'KycStarted':
      return current.kycStatus === 'APPROVED' ? undefined : { ...current, kycStatus: 'PENDING', updatedAt: at };
    case 'KycApproved':
      return { ...current, kycStatus: 'APPROVED', userAccountStatus: 'ACTIVE', updatedAt: at };
    case 'KycRejected':
      return current.kycStatus === 'APPROVED' ? undefined : { ...current, kycStatus: 'REJECTED', updatedAt: at };
    case 'AccountActivated': {
      const accountId = str(data, 'accountId');
      const accounts = current.accounts.map((account) =>
        account.accountId === accountId ? { ...account, status: 'ACTIVE' as const } : account,
      );
      const main = accounts.find((account) => account.kind === 'MAIN');
      return {
        ...current,
        accounts,
        userAccountStatus: main?.status === 'ACTIVE' ? 'ACTIVE' : current.userAccountStatus,
        updatedAt: at,
      };
    }
    case 'PortfolioCreated': {
      const portfolioId = str(data, 'portfolioId');
      const portfolios = current.portfolios ?? [];
      if (portfolios.some((portfolio) => portfolio.portfolioId === portfolioId)) return undefined;
      const added = {
        portfolioId,
        accountId: str(data, 'accountId'),
        name: str(data, 'name'),
        portfolioAccountType: data.portfolioAccountType as PortfolioView['portfolioAccountType'],
        publicAddress: str(data, 'publicAddress'),
      };
      return { ...current, portfolios: [...portfolios, added], updatedAt: at };
    }
    case 'PersonalDataErased':
      // Only what is not personal stays: ids, the client, the dates that auditors ask about.
      return { ...current, email: '', phoneNumber: '', erased: true, updatedAt: at };
    default:
      return undefined;
  }
}

export function projectAccount(current: AccountView | undefined, event: EventMessageValue): AccountView | undefined {
  const { data } = event;
  if (event.type === 'AccountOpened') {
    if (current) return undefined;
    return {
      accountId: str(data, 'accountId'),
      userId: str(data, 'userId'),
      kind: data.kind as AccountView['kind'],
      status: 'PENDING_KYC',
      openedAt: event.recordedAt,
      portfolios: [],
    };
  }
  if (!current) return undefined;
  if (event.type === 'AccountActivated') {
    if (current.status === 'ACTIVE') return undefined;
    return {
      ...current,
      status: 'ACTIVE',
      activatedAt: event.recordedAt,
      activationReason: data.reason as AccountView['activationReason'] & string,
    };
  }
  if (event.type === 'PortfolioCreated') {
    const portfolioId = str(data, 'portfolioId');
    const portfolios = current.portfolios ?? [];
    if (portfolios.some((portfolio) => portfolio.portfolioId === portfolioId)) return undefined;
    return {
      ...current,
      portfolios: [
        ...portfolios,
        {
          portfolioId,
          name: str(data, 'name'),
          portfolioAccountType: data.portfolioAccountType as PortfolioView['portfolioAccountType'],
        },
      ],
    };
  }
  return undefined;
}

export function projectPortfolio(
  current: PortfolioView | undefined,
  event: EventMessageValue,
): PortfolioView | undefined {
  if (event.type !== 'PortfolioCreated' || current) return undefined;
  const { data } = event;
  return {
    portfolioId: str(data, 'portfolioId'),
    accountId: str(data, 'accountId'),
    userId: str(data, 'userId'),
    name: str(data, 'name'),
    portfolioAccountType: data.portfolioAccountType as PortfolioView['portfolioAccountType'],
    publicAddress: str(data, 'publicAddress'),
    creationTs: event.recordedAt,
  };
}

export function projectKycIdentification(
  current: KycIdentificationView | undefined,
  event: EventMessageValue,
): KycIdentificationView | undefined {
  const { data } = event;
  if (event.type === 'KycStarted') {
    return current
      ? undefined
      : {
          identificationId: str(data, 'identificationId'),
          userId: str(data, 'userId'),
          status: 'PENDING',
          attempt: Number(data.attempt ?? 0),
        };
  }
  if (!current) return undefined;
  if (event.type === 'KycApproved') return { ...current, status: 'APPROVED' };
  if (event.type === 'KycRejected') return { ...current, status: 'REJECTED' };
  return undefined;
}

export function projectApiClient(
  current: ApiClientView | undefined,
  event: EventMessageValue,
): ApiClientView | undefined {
  const { data } = event;
  if (event.type === 'ApiClientRegistered') {
    return {
      clientId: str(data, 'clientId'),
      name: str(data, 'name'),
      scopes: (data.scopes as string[]) ?? [],
      secretHash: str(data, 'secretHash'),
      registeredAt: event.recordedAt,
    };
  }
  if (event.type === 'ApiClientSecretRotated' && current) return { ...current, secretHash: str(data, 'secretHash') };
  return undefined;
}
