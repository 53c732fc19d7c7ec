/** Manual activation by an account manager (`accounts:manage`), when KYC went wrong: the note is recorded. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AccountData, AccountParams, ActivateAccountBody, Envelope, scopes, WriteHeaders } from '@tessera/contracts';
import { success } from '../envelope.ts';
import { waitForView } from '../readYourWrites.ts';
import { answers } from '../routeAnswers.ts';
import { accountData, accountLinks, clientAuth, mainAccountExample, type AccountRoutesOptions } from './accounts.ts';
import { clientsOwnUsers } from './clientsOwnUsers.ts';
import { commandSender } from './identityCommands.ts';

const activateAccountSchema = {
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
};

export const accountActivationRoutes: FastifyPluginAsyncTypebox<AccountRoutesOptions> = async (app, options) => {
  const send = commandSender(options.identity);
  const { ownAccount } = clientsOwnUsers(options);

  app.post(
    '/v1/admin/accounts/:accountId/activate',
    {
      preHandler: app.requireClient(scopes.accountManager),
      schema: activateAccountSchema,
      links: { 200: accountLinks },
    },
    async (request) => {
      const account = await ownAccount(request, request.params.accountId);
      await send(request, 'ActivateAccount', {
        userId: account.userId,
        accountId: account.accountId,
        note: request.body.note,
      });
      const view = await waitForView(
        () => options.accounts.get(account.accountId),
        (current) => current.status === 'ACTIVE',
        options.readYourWritesTimeoutMs,
      );
      return success(accountData(view ?? { ...account, status: 'ACTIVE' }));
    },
  );
};
