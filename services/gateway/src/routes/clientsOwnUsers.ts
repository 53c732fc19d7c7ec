/**
 * A client acts only on the users it signed up: anyone else's user, account
 * or portfolio, and an erased user's, reads as absent.
 */
import { ApiError } from '@tessera/contracts';
import type { AccountView, PortfolioView, UserView } from '@tessera/read-models/views';
import type { ViewCollection } from '@tessera/read-models';
import type { FastifyRequest } from 'fastify';
import { callingClientOf } from './identityCommands.ts';

export interface ClientsOwnUsers {
  /** The user, if the calling client signed them up and they are not erased; USER_NOT_FOUND otherwise. */
  ownUser(request: FastifyRequest, userId: string): Promise<UserView>;
  /** The account, if it is one of the calling client's users'; ACCOUNT_NOT_FOUND otherwise. */
  ownAccount(request: FastifyRequest, accountId: string): Promise<AccountView>;
  /** The portfolio, if it is one of the calling client's users'; PORTFOLIO_NOT_FOUND otherwise. */
  ownPortfolio(request: FastifyRequest, portfolioId: string): Promise<PortfolioView>;
}

export function clientsOwnUsers(views: {
  users: ViewCollection<UserView>;
  accounts: ViewCollection<AccountView>;
  portfolios: ViewCollection<PortfolioView>;
}): ClientsOwnUsers {
  const { users, accounts, portfolios } = views;
  /** Whether the user exists, is not erased, and was signed up by the calling client. */
  const owned = (request: FastifyRequest, user: UserView | undefined): user is UserView =>
    user !== undefined && !user.erased && user.clientId === callingClientOf(request);
  return {
    async ownUser(request, userId) {
      const user = await users.get(userId);
      if (!owned(request, user)) throw new ApiError('USER_NOT_FOUND');
      return user;
    },
    async ownAccount(request, accountId) {
      const account = await accounts.get(accountId);
      if (!account || !owned(request, await users.get(account.userId))) throw new ApiError('ACCOUNT_NOT_FOUND');
      return account;
    },
    async ownPortfolio(request, portfolioId) {
      const portfolio = await portfolios.get(portfolioId);
      if (!portfolio || !owned(request, await users.get(portfolio.userId))) throw new ApiError('PORTFOLIO_NOT_FOUND');
      return portfolio;
    },
  };
}
