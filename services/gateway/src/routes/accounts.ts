/**
 * After the account step (API.md): more accounts, manual activation,
 * portfolios, and the queries behind them. A client acts only on the users it
 * signed up: anyone else's user, account or portfolio reads as absent.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AccountData,
  AccountParams,
  ActivateAccountBody,
  ApiError,
  CreatePortfolioBody,
  Envelope,
  example,
  OpenAccountBody,
  PortfolioData,
  PortfolioParams,
  ReadHeaders,
  scopes,
  WriteHeaders,
  type CommandReplies,
  type IdentityCommand,
} from '@tessera/contracts';
import type { AccountView, PortfolioView, UserView } from '@tessera/read-models/views';
import type { ViewCollection } from '@tessera/read-models';
import type { FastifyRequest } from 'fastify';
import { success } from '../envelope.ts';
import type { IdentityClient } from '../identityClient.ts';
import { waitForView } from '../readYourWrites.ts';
import { answers } from '../routeAnswers.ts';

export interface AccountRoutesOptions {
  identity: IdentityClient;
  users: ViewCollection<UserView>;
  accounts: ViewCollection<AccountView>;
  portfolios: ViewCollection<PortfolioView>;
  readYourWritesTimeoutMs: number;
}

const clientAuth = (scope: string) => [{ clientAuth: [scope] }];

const subAccountExample = {
  accountId: example.subAccountId,
  userId: example.userId,
  kind: 'SUB' as const,
  status: 'ACTIVE' as const,
  openedAt: example.openedAt,
  activatedAt: example.openedAt,
  portfolios: [],
};
const mainAccountExample = {
  accountId: example.mainAccountId,
  userId: example.userId,
  kind: 'MAIN' as const,
  status: 'ACTIVE' as const,
  openedAt: example.openedAt,
  activatedAt: example.activatedAt,
  portfolios: [{ portfolioId: example.tradingPortfolioId, name: 'Main', portfolioAccountType: 'TRADING' as const }],
};
const portfolioExample = {
  portfolioId: example.tradingPortfolioId,
  accountId: example.mainAccountId,
  name: 'Main',
  portfolioAccountType: 'TRADING' as const,
  publicAddress: example.publicAddress,
  creationTs: example.createdAt,
};
/** From an answer whose data is an account, to the calls that take it. */
const accountLinks = {
  getAccount: {
    operationId: 'getAccount',
    description: 'Read the account.',
    parameters: { accountId: '$response.body#/data/accountId' },
  },
  createPortfolio: {
    operationId: 'createPortfolio',
    description: 'Open a portfolio on the account (refused with 409 until it is ACTIVE).',
    requestBody: { accountId: '$response.body#/data/accountId', name: 'Main' },
  },
};

const accountData = (view: AccountView) => ({
  accountId: view.accountId,
  userId: view.userId,
  kind: view.kind,
  status: view.status,
  openedAt: view.openedAt,
  ...(view.activatedAt ? { activatedAt: view.activatedAt } : {}),
  portfolios: view.portfolios ?? [],
});
const portfolioData = (view: PortfolioView) => ({
  portfolioId: view.portfolioId,
  accountId: view.accountId,
  name: view.name,
  portfolioAccountType: view.portfolioAccountType,
  publicAddress: view.publicAddress,
  creationTs: view.creationTs,
});

export const accountRoutes: FastifyPluginAsyncTypebox<AccountRoutesOptions> = async (app, options) => {
  const { identity, users, accounts, portfolios } = options;
  const clientOf = (request: FastifyRequest) => request.client?.sub ?? '';

  /** The user, if the calling client signed them up and they are not erased. */
  async function ownUser(request: FastifyRequest, userId: string): Promise<UserView> {
    const user = await users.get(userId);
    if (!user || user.erased || user.clientId !== clientOf(request)) throw new ApiError('USER_NOT_FOUND');
    return user;
  }
  async function ownAccount(request: FastifyRequest, accountId: string): Promise<AccountView> {
    const account = await accounts.get(accountId);
    const user = account && (await users.get(account.userId));
    if (!account || !user || user.erased || user.clientId !== clientOf(request))
      throw new ApiError('ACCOUNT_NOT_FOUND');
    return account;
  }

  async function send<K extends IdentityCommand['type']>(
    request: FastifyRequest,
    type: K,
    payload: Extract<IdentityCommand, { type: K }>['payload'],
  ): Promise<CommandReplies[K]> {
    const result = await identity.send({
      type,
      metadata: { correlationId: request.id, clientId: clientOf(request) },
      payload,
    } as IdentityCommand);
    if (!result.ok) throw new ApiError(result.error, result.retryAfterSeconds);
    return result.data as CommandReplies[K];
  }

  const visible = <T>(read: () => Promise<T | undefined>, ready: (value: T) => boolean) =>
    waitForView(read, ready, options.readYourWritesTimeoutMs);

  app.post(
    '/v1/account',
    {
      preHandler: app.requireClient(scopes.usersWrite),
      schema: {
        tags: ['accounts'],
        operationId: 'openAccount',
        summary: 'Another account (SUB) for a user; valid at once if their KYC is approved',
        description:
          "Opens a SUB account for a user the calling client signed up. It is ACTIVE at once when the user's KYC is approved, PENDING_KYC otherwise; anyone else's user reads as absent (404).",
        security: clientAuth(scopes.usersWrite),
        headers: WriteHeaders,
        body: OpenAccountBody,
        response: {
          200: Envelope(AccountData, { description: 'The new account.', example: subAccountExample }),
          ...answers('clientWrite', { 404: ['USER_NOT_FOUND'] }),
        },
      },
      links: { 200: accountLinks },
    },
    async (request) => {
      await ownUser(request, request.body.userId);
      const opened = await send(request, 'OpenAccount', { userId: request.body.userId });
      const view = await visible(
        () => accounts.get(opened.accountId),
        (account) => account.status === opened.status,
      );
      return success(
        view
          ? accountData(view)
          : {
              accountId: opened.accountId,
              userId: opened.userId,
              kind: 'SUB' as const,
              status: opened.status,
              openedAt: new Date().toISOString(),
              portfolios: [],
            },
      );
    },
  );

  app.get(
    '/v1/account/:accountId',
    {
      preHandler: app.requireClient(scopes.usersRead),
      schema: {
        tags: ['accounts'],
        operationId: 'getAccount',
        summary: 'An account, its status and portfolios',
        description:
          "An account of a user the calling client signed up, from the read model; anyone else's reads as absent (404).",
        security: clientAuth(scopes.usersRead),
        headers: ReadHeaders,
        params: AccountParams,
        response: {
          200: Envelope(AccountData, { description: 'The account.', example: mainAccountExample }),
          ...answers('clientRead', { 404: ['ACCOUNT_NOT_FOUND'], 414: ['URI_TOO_LONG'] }),
        },
      },
      links: { 200: { createPortfolio: accountLinks.createPortfolio } },
    },
    async (request) => success(accountData(await ownAccount(request, request.params.accountId))),
  );

  app.post(
    '/v1/admin/accounts/:accountId/activate',
    {
      preHandler: app.requireClient(scopes.accountManager),
      schema: {
        tags: ['admin'],
        operationId: 'activateAccount',
        summary: 'Activate an account by hand when KYC went wrong; the note is recorded',
        description:
          "Validates an account of one of the calling client's users without KYC, recording the note and the client in the user's event stream. An account already ACTIVE stays as it is.",
        security: clientAuth(scopes.accountManager),
        headers: WriteHeaders,
        params: AccountParams,
        body: ActivateAccountBody,
        response: {
          200: Envelope(AccountData, { description: 'The account, now ACTIVE.', example: mainAccountExample }),
          ...answers('clientWrite', { 404: ['ACCOUNT_NOT_FOUND'], 414: ['URI_TOO_LONG'] }),
        },
      },
      links: { 200: accountLinks },
    },
    async (request) => {
      const account = await ownAccount(request, request.params.accountId);
      await send(request, 'ActivateAccount', {
        userId: account.userId,
        accountId: account.accountId,
        note: request.body.note,
      });
      const view = await visible(
        () => accounts.get(account.accountId),
        (current) => current.status === 'ACTIVE',
      );
      return success(accountData(view ?? { ...account, status: 'ACTIVE' }));
    },
  );

  app.post(
    '/v1/portfolio',
    {
      preHandler: app.requireClient(scopes.usersWrite),
      schema: {
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
      },
      links: {
        200: {
          getPortfolio: {
            operationId: 'getPortfolio',
            description: 'Read the portfolio.',
            parameters: { portfolioId: '$response.body#/data/portfolioId' },
          },
        },
      },
    },
    async (request) => {
      const account = await ownAccount(request, request.body.accountId);
      const created = await send(request, 'CreatePortfolio', {
        userId: account.userId,
        accountId: account.accountId,
        name: request.body.name,
      });
      const view = await visible(
        () => portfolios.get(created.portfolioId),
        () => true,
      );
      return success(
        view
          ? portfolioData(view)
          : {
              portfolioId: created.portfolioId,
              accountId: created.accountId,
              name: created.name,
              portfolioAccountType: created.portfolioAccountType,
              publicAddress: created.publicAddress,
              creationTs: created.creationTs,
            },
      );
    },
  );

  app.get(
    '/v1/portfolio/:portfolioId',
    {
      preHandler: app.requireClient(scopes.usersRead),
      schema: {
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
      },
    },
    async (request) => {
      const portfolio = await portfolios.get(request.params.portfolioId);
      const user = portfolio && (await users.get(portfolio.userId));
      if (!portfolio || !user || user.erased || user.clientId !== clientOf(request))
        throw new ApiError('PORTFOLIO_NOT_FOUND');
      return success(portfolioData(portfolio));
    },
  );
};
