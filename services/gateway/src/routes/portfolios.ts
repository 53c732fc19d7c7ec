/**
 * Portfolios, each with its blockchain address, on validated accounts of the
 * calling client's users, and reading them. Takes the account routes' options.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  CreatePortfolioBody,
  Envelope,
  example,
  PortfolioData,
  PortfolioParams,
  ReadHeaders,
  scopes,
  WriteHeaders,
} from '@tessera/contracts';
import type { PortfolioView } from '@tessera/read-models/views';
import { success } from '../envelope.ts';
import { waitForView } from '../readYourWrites.ts';
import { answers } from '../routeAnswers.ts';
import { clientAuth, type AccountRoutesOptions } from './accounts.ts';
import { clientsOwnUsers } from './clientsOwnUsers.ts';
import { commandSender } from './identityCommands.ts';

const portfolioExample = {
  portfolioId: example.tradingPortfolioId,
  accountId: example.mainAccountId,
  name: 'Main',
  portfolioAccountType: 'TRADING' as const,
  publicAddress: example.publicAddress,
  creationTs: example.createdAt,
};

const portfolioData = (view: Omit<PortfolioView, 'userId'>) => ({
  portfolioId: view.portfolioId,
  accountId: view.accountId,
  name: view.name,
  portfolioAccountType: view.portfolioAccountType,
  publicAddress: view.publicAddress,
  creationTs: view.creationTs,
});

const createPortfolioSchema = {
  tags: ['portfolios'],
  operationId: 'createPortfolio',
  summary: 'A portfolio with its blockchain address on a validated account; the first of an account is TRADING',
  description:
    "Asks the wallet for a new address and opens a portfolio on an ACTIVE account of one of the calling client's users. The first portfolio of an account is its TRADING portfolio, where deposits land; names are unique per account.",
  security: clientAuth(scopes.usersWrite),
  headers: WriteHeaders,
  body: CreatePortfolioBody,
  response: {
    200: Envelope(PortfolioData, {
      description: 'The new portfolio and its address.',
      example: portfolioExample,
    }),
    ...answers('clientWrite', {
      404: ['ACCOUNT_NOT_FOUND', 'USER_NOT_FOUND'],
      409: ['ACCOUNT_NOT_ACTIVE', 'PORTFOLIO_NAME_TAKEN'],
    }),
  },
};

const createPortfolioLinks = {
  200: {
    getPortfolio: {
      operationId: 'getPortfolio',
      description: 'Read the portfolio.',
      parameters: { portfolioId: '$response.body#/data/portfolioId' },
    },
  },
};

const getPortfolioSchema = {
  tags: ['portfolios'],
  operationId: 'getPortfolio',
  summary: 'A portfolio and its blockchain address',
  description:
    "A portfolio of one of the calling client's users, from the read model; anyone else's reads as absent (404).",
  security: clientAuth(scopes.usersRead),
  headers: ReadHeaders,
  params: PortfolioParams,
  response: {
    200: Envelope(PortfolioData, { description: 'The portfolio.', example: portfolioExample }),
    ...answers('clientRead', { 404: ['PORTFOLIO_NOT_FOUND'], 414: ['URI_TOO_LONG'] }),
  },
};

export const portfolioRoutes: FastifyPluginAsyncTypebox<AccountRoutesOptions> = async (app, options) => {
  const send = commandSender(options.identity);
  const { ownAccount, ownPortfolio } = clientsOwnUsers(options);

  app.post(
    '/v1/portfolio',
    { preHandler: app.requireClient(scopes.usersWrite), schema: createPortfolioSchema, links: createPortfolioLinks },
    async (request) => {
      const account = await ownAccount(request, request.body.accountId);
      const { data: created } = await send(request, 'CreatePortfolio', {
        userId: account.userId,
        accountId: account.accountId,
        name: request.body.name,
      });
      const view = await waitForView(
        () => options.portfolios.get(created.portfolioId),
        () => true,
        options.readYourWritesTimeoutMs,
      );
      return success(portfolioData(view ?? created));
    },
  );

  app.get(
    '/v1/portfolio/:portfolioId',
    { preHandler: app.requireClient(scopes.usersRead), schema: getPortfolioSchema },
    async (request) => success(portfolioData(await ownPortfolio(request, request.params.portfolioId))),
  );
};
