/**
 * The documents the projector writes and the gateway reads: where the two
 * services meet (ADR 24). One per user, account, portfolio, KYC
 * identification, API client, session and consumed step-up token.
 */
export interface AccountView {
  accountId: string;
  userId: string;
  kind: 'MAIN' | 'SUB';
  status: 'PENDING_KYC' | 'ACTIVE';
  openedAt: string;
  activatedAt?: string;
  activationReason?: 'KYC_APPROVED' | 'MANUAL';
  portfolios: PortfolioSummaryView[];
}

export interface PortfolioSummaryView {
  portfolioId: string;
  name: string;
  portfolioAccountType: 'TRADING' | 'STANDARD';
}

export interface PortfolioView extends PortfolioSummaryView {
  accountId: string;
  userId: string;
  publicAddress: string;
  creationTs: string;
}

/** One KYC identification: lets the verdict's callback find its user. */
export interface KycIdentificationView {
  identificationId: string;
  userId: string;
  status: 'PENDING' | 'APPROVED' | 'REJECTED';
  attempt: number;
}

export interface UserView {
  userId: string;
  email: string;
  phoneNumber: string;
  phoneVerified: boolean;
  roles: string[];
  userAccountStatus: 'PENDING_KYC' | 'ACTIVE';
  kycStatus: 'NOT_STARTED' | 'PENDING' | 'APPROVED' | 'REJECTED';
  accounts: Array<Pick<AccountView, 'accountId' | 'kind' | 'status'>>;
  portfolios: Array<PortfolioSummaryView & { accountId: string; publicAddress: string }>;
  /** The API client that signed the user up: clients see only their own users. */
  clientId: string;
  createdAt: string;
  updatedAt: string;
  /** Position of the last event applied: lets a reader wait for its own write. */
  version: number;
  /** Personal data erased: email and phone are gone, the user is not served any more. */
  erased?: boolean;
  /** Recovery codes of the latest set not used yet; absent: none ever generated. Never the codes. */
  recoveryCodesLeft?: number;
  /** When the phone number last changed: step-up tokens signed before then are revoked. */
  stepUpsRevokedAt?: string;
}

export interface ApiClientView {
  clientId: string;
  name: string;
  scopes: string[];
  secretHash: string;
  registeredAt: string;
  /** Resources (RFC 8707) its tokens may name beside the gateway's own audience; absent: none. */
  audiences?: string[];
}

/**
 * One login (refresh-token family): whether its access tokens must be refused
 * before they expire, and, while it lives, what the user's sessions list
 * shows of it. An ended login keeps only the first four fields.
 */
export interface SessionView {
  familyId: string;
  userId: string;
  revoked: boolean;
  revokedReason?: string;
  /** The API client the login was made through. */
  clientId?: string;
  /** The device the login declared (its name and id decrypted, as the user view's email is). */
  device?: { id?: string; name: string; platform: string };
  createdAt?: string;
  /** The last refresh; the start until the first one. */
  lastUsedAt?: string;
  /** When the refresh-token family expires: the login is no longer listed after that. */
  expiresAt?: string;
}

/** A step-up token that was consumed (ADR 26): introspection answers it inactive from then on. */
export interface StepUpTokenView {
  tokenId: string;
  userId: string;
  stepUpId: string;
  consumedAt: string;
}

/** The collection each kind of document lives in. */
export const viewCollections = {
  sessions: 'sessions',
  stepUpTokens: 'step_up_tokens',
  users: 'users',
  accounts: 'accounts',
  portfolios: 'portfolios',
  kycIdentifications: 'kyc_identifications',
  apiClients: 'api_clients',
} as const;
