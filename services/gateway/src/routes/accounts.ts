/**
 * After the account step (API.md): more accounts for a user, and reading
 * them. Activation by an account manager is in accountActivation.ts and
 * portfolios in portfolios.ts; all three take these options. A client acts
 * only on the users it signed up (clientsOwnUsers.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AccountData,
  AccountParams,
  Envelope,
  example,
  OpenAccountBody,
  ReadHeaders,
  scopes,
  WriteHeaders,
} from '@tessera/contracts';
import type { AccountView, PortfolioView, UserView } from '@tessera/read-models/views';
import type { ViewCollection } from '@tessera/read-models';
import { success } from '../envelope.ts';
import type { IdentityClient } from '../identityClient.ts';
import { waitForView } from '../readYourWrites.ts';
import { answers } from '../routeAnswers.ts';
import { clientsOwnUsers } from './clientsOwnUsers.ts';
import { commandSender } from './identityCommands.ts';

export interface AccountRoutesOptions {
  identity: IdentityClient;
  users: ViewCollection<UserView>;
  accounts: ViewCollection<AccountView>;
  portfolios: ViewCollection<PortfolioView>;
  readYourWritesTimeoutMs: number;
}

export const clientAuth = (scope: string) => [{ clientAuth: [scope] }];

const subAccountExample = {
  accountId: example.subAccountId,
  userId: example.userId,
  kind: 'SUB' as const,
  status: 'ACTIVE' as const,
  openedAt: example.openedAt,
  activatedAt: example.openedAt,
  portfolios: [],
};
export const mainAccountExample = {
  accountId: example.mainAccountId,
  userId: example.userId,
  kind: 'MAIN' as const,
  status: 'ACTIVE' as const,
  openedAt: example.openedAt,
  activatedAt: example.activatedAt,
  portfolios: [{ portfolioId: example.tradingPortfolioId, name: 'Main', portfolioAccountType: 'TRADING' as const }],
};
/** From an answer whose data is an account, to the calls that take it. */
export const accountLinks = {
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

export const accountData = (view: AccountView) => ({
  accountId: view.accountId,
  userId: view.userId,
  kind: view.kind,
  status: view.status,
  openedAt: view.openedAt,
  ...(view.activatedAt ? { activatedAt: view.activatedAt } : {}),
  portfolios: view.portfolios ?? [],
});

const openAccountSchema = {
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
};

const getAccountSchema = {
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
};

export const accountRoutes: FastifyPluginAsyncTypebox<AccountRoutesOptions> = async (app, options) => {
  const { accounts } = options;
  const send = commandSender(options.identity);
  const { ownUser, ownAccount } = clientsOwnUsers(options);

  app.post(
    '/v1/account',
    { preHandler: app.requireClient(scopes.usersWrite), schema: openAccountSchema, links: { 200: accountLinks } },
    async (request) => {
      await ownUser(request, request.body.userId);
      const { data: opened } = await send(request, 'OpenAccount', { userId: request.body.userId });
      const view = await waitForView(
        () => accounts.get(opened.accountId),
        (account) => account.status === opened.status,
        options.readYourWritesTimeoutMs,
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
      schema: getAccountSchema,
      links: { 200: { createPortfolio: accountLinks.createPortfolio } },
    },
    async (request) => success(accountData(await ownAccount(request, request.params.accountId))),
  );
};
