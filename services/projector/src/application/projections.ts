/**
 * Pure projections: given the current document and an event, the next
 * document (undefined: no change). The projector stores the result guarded by
 * the event's position, so a redelivered event is a no-op.
 */
import type {
  AccountView,
  ApiClientView,
  KycIdentificationView,
  PortfolioView,
  SessionView,
  UserView,
} from '@tessera/read-models/views';
import type { EventData } from '@tessera/contracts';
import type { ProjectedEvent } from './projectedEvent.ts';

/**
 * Every event of a user moves the view's version, even one that changes no
 * field, so a caller waiting for "my write is visible" always sees it arrive.
 */
export function projectUser(current: UserView | undefined, event: ProjectedEvent): UserView | undefined {
  const next = nextUser(current, event) ?? current;
  return next && { ...next, version: event.position };
}

function nextUser(current: UserView | undefined, event: ProjectedEvent): UserView | undefined {
  const at = event.recordedAt;
  if (event.type === 'UserRegistered') {
    return {
      userId: event.data.userId,
      email: event.data.email,
      phoneNumber: event.data.phoneNumber,
      phoneVerified: false,
      roles: event.data.roles,
      userAccountStatus: 'PENDING_KYC',
      kycStatus: 'NOT_STARTED',
      accounts: [],
      portfolios: [],
      clientId: event.data.clientId,
      createdAt: at,
      updatedAt: at,
      version: event.position,
    };
  }
  if (!current) return undefined;
  switch (event.type) {
    case 'AccountOpened': {
      const accountId = event.data.accountId;
      if (current.accounts.some((account) => account.accountId === accountId)) return undefined;
      const account = { accountId, kind: event.data.kind, status: 'PENDING_KYC' as const };
      return { ...current, accounts: [...current.accounts, account], updatedAt: at };
    }
    case 'PhoneNumberVerified':
      return { ...current, phoneVerified: true, updatedAt: at };
    case 'PhoneNumberChanged':
      // Its code proved the new number.
      // Its step-ups asked before are revoked (identity's stepUpState.ts): introspection reads it here.
      return {
        ...current,
        phoneNumber: event.data.phoneNumber,
        phoneVerified: true,
        stepUpsRevokedAt: at,
        updatedAt: at,
      };
    case 'KycStarted':
      return current.kycStatus === 'APPROVED' ? undefined : { ...current, kycStatus: 'PENDING', updatedAt: at };
    case 'KycApproved':
      return { ...current, kycStatus: 'APPROVED', userAccountStatus: 'ACTIVE', updatedAt: at };
    case 'KycRejected':
      return current.kycStatus === 'APPROVED' ? undefined : { ...current, kycStatus: 'REJECTED', updatedAt: at };
    case 'AccountActivated':
      return withAccountActive(current, event.data, at);
    case 'PortfolioCreated':
      return withPortfolio(current, event.data, at);
    case 'RecoveryCodesGenerated':
      return { ...current, recoveryCodesLeft: event.data.codeHashes.length, updatedAt: at };
    case 'RecoveryCodeUsed':
      return { ...current, recoveryCodesLeft: event.data.codesLeft, updatedAt: at };
    case 'PersonalDataErased':
      // Only what is not personal stays: ids, the client, the dates that auditors ask about.
      return { ...current, email: '', phoneNumber: '', erased: true, updatedAt: at };
    default:
      return undefined;
  }
}

/** The account activated; the user is active once their main account is. */
function withAccountActive(current: UserView, data: EventData<'AccountActivated'>, at: string): UserView {
  const accounts = current.accounts.map((account) =>
    account.accountId === data.accountId ? { ...account, status: 'ACTIVE' as const } : account,
  );
  const main = accounts.find((account) => account.kind === 'MAIN');
  return {
    ...current,
    accounts,
    userAccountStatus: main?.status === 'ACTIVE' ? 'ACTIVE' : current.userAccountStatus,
    updatedAt: at,
  };
}

/** The portfolio listed on the user, once (undefined when it already is). */
function withPortfolio(current: UserView, data: EventData<'PortfolioCreated'>, at: string): UserView | undefined {
  const portfolios = current.portfolios ?? [];
  if (portfolios.some((portfolio) => portfolio.portfolioId === data.portfolioId)) return undefined;
  const added = {
    portfolioId: data.portfolioId,
    accountId: data.accountId,
    name: data.name,
    portfolioAccountType: data.portfolioAccountType,
    publicAddress: data.publicAddress,
  };
  return { ...current, portfolios: [...portfolios, added], updatedAt: at };
}

export function projectAccount(current: AccountView | undefined, event: ProjectedEvent): AccountView | undefined {
  if (event.type === 'AccountOpened') {
    if (current) return undefined;
    return {
      accountId: event.data.accountId,
      userId: event.data.userId,
      kind: event.data.kind,
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
      activationReason: event.data.reason,
    };
  }
  if (event.type === 'PortfolioCreated') {
    const portfolioId = event.data.portfolioId;
    const portfolios = current.portfolios ?? [];
    if (portfolios.some((portfolio) => portfolio.portfolioId === portfolioId)) return undefined;
    return {
      ...current,
      portfolios: [
        ...portfolios,
        {
          portfolioId,
          name: event.data.name,
          portfolioAccountType: event.data.portfolioAccountType,
        },
      ],
    };
  }
  return undefined;
}

export function projectPortfolio(current: PortfolioView | undefined, event: ProjectedEvent): PortfolioView | undefined {
  if (event.type !== 'PortfolioCreated' || current) return undefined;
  return {
    portfolioId: event.data.portfolioId,
    accountId: event.data.accountId,
    userId: event.data.userId,
    name: event.data.name,
    portfolioAccountType: event.data.portfolioAccountType,
    publicAddress: event.data.publicAddress,
    creationTs: event.recordedAt,
  };
}

export function projectKycIdentification(
  current: KycIdentificationView | undefined,
  event: ProjectedEvent,
): KycIdentificationView | undefined {
  if (event.type === 'KycStarted') {
    return current
      ? undefined
      : {
          identificationId: event.data.identificationId,
          userId: event.data.userId,
          status: 'PENDING',
          attempt: event.data.attempt,
        };
  }
  if (!current) return undefined;
  if (event.type === 'KycApproved') return { ...current, status: 'APPROVED' };
  if (event.type === 'KycRejected') return { ...current, status: 'REJECTED' };
  return undefined;
}

export function projectApiClient(current: ApiClientView | undefined, event: ProjectedEvent): ApiClientView | undefined {
  if (event.type === 'ApiClientRegistered') {
    return {
      clientId: event.data.clientId,
      name: event.data.name,
      scopes: event.data.scopes,
      secretHash: event.data.secretHash,
      registeredAt: event.recordedAt,
      // Registrations before version 2 of the event name none.
      ...(event.data.audiences?.length ? { audiences: event.data.audiences } : {}),
    };
  }
  if (event.type === 'ApiClientSecretRotated' && current) return { ...current, secretHash: event.data.secretHash };
  return undefined;
}

/**
 * A login as the user's sessions list shows it. Its start and its end are
 * written whole, without reading (an ended login keeps no device); a refresh
 * only moves `lastUsedAt` on a login still alive.
 */
export function projectSession(current: SessionView | undefined, event: ProjectedEvent): SessionView | undefined {
  if (event.type === 'SessionStarted') {
    const {
      familyId,
      userId,
      clientId,
      expiresAt,
      deviceName: name,
      devicePlatform: platform,
      deviceId: id,
    } = event.data;
    const device = name !== undefined && platform !== undefined ? { ...(id ? { id } : {}), name, platform } : undefined;
    const at = event.recordedAt;
    return {
      familyId,
      userId,
      revoked: false,
      ...(clientId ? { clientId } : {}),
      ...(device ? { device } : {}),
      createdAt: at,
      lastUsedAt: at,
      expiresAt,
    };
  }
  if (event.type === 'RefreshTokenRotated')
    return current && !current.revoked ? { ...current, lastUsedAt: event.recordedAt } : undefined;
  return undefined;
}

/** An ended login: only what the gateway needs to refuse its tokens. */
export function endedSession(familyId: string, userId: string, revokedReason: string): SessionView {
  return { familyId, userId, revoked: true, revokedReason };
}
