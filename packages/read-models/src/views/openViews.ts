import type { ViewCollection, ViewStore } from '../viewStore.ts';
import {
  viewCollections,
  type AccountView,
  type ApiClientView,
  type KycIdentificationView,
  type PortfolioView,
  type SessionView,
  type StepUpTokenView,
  type UserView,
} from './viewDocuments.ts';

/** Every view, typed, each with the indexes its queries need. */
export interface Views {
  users: ViewCollection<UserView>;
  accounts: ViewCollection<AccountView>;
  portfolios: ViewCollection<PortfolioView>;
  kycIdentifications: ViewCollection<KycIdentificationView>;
  apiClients: ViewCollection<ApiClientView>;
  sessions: ViewCollection<SessionView>;
  stepUpTokens: ViewCollection<StepUpTokenView>;
}

/** Opens (creating if needed) every view in `store`. */
export function openViews(store: ViewStore): Views {
  return {
    users: store.collection<UserView>(viewCollections.users, { indexes: ['clientId'] }),
    accounts: store.collection<AccountView>(viewCollections.accounts, { indexes: ['userId'] }),
    portfolios: store.collection<PortfolioView>(viewCollections.portfolios, { indexes: ['accountId'] }),
    kycIdentifications: store.collection<KycIdentificationView>(viewCollections.kycIdentifications),
    apiClients: store.collection<ApiClientView>(viewCollections.apiClients),
    sessions: store.collection<SessionView>(viewCollections.sessions, { indexes: ['userId'] }),
    stepUpTokens: store.collection<StepUpTokenView>(viewCollections.stepUpTokens),
  };
}
