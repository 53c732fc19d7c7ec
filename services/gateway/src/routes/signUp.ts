/** Step 1 of the account flow: a new user and their main account. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Envelope, example, scopes, SignUpBody, SignUpData, WriteHeaders } from '@tessera/contracts';
import { createSendingChannel } from '@tessera/crypto';
import { success } from '../envelope.ts';
import { waitForUserView } from '../readYourWrites.ts';
import { answers } from '../routeAnswers.ts';
import { smsPhoneNumber } from '../schemaFormats.ts';
import { clientAuth, type AccountFlowOptions } from './accountFlow.ts';
import { commandSender } from './identityCommands.ts';
import { answersAreNotStored } from './noStore.ts';

const signUpSchema = {
  tags: ['user'],
  operationId: 'signUp',
  summary: 'Create a user and their main account',
  description:
    "Creates the user and their MAIN account, waiting for KYC. Email and phone number are each one user's (case-insensitive email, normalised E.164 phone), also under concurrent sign-ups; a taken one is refused with 409 without saying which. Nothing is sent to the user yet: the first login sends the first SMS code.",
  security: clientAuth,
  headers: WriteHeaders,
  body: SignUpBody,
  response: {
    200: Envelope(SignUpData, {
      description: 'The user and their main account.',
      example: {
        userId: example.userId,
        email: example.email,
        phoneNumber: example.phoneNumber,
        roles: ['USER'],
        accounts: [{ accountId: example.mainAccountId, kind: 'MAIN', status: 'PENDING_KYC' }],
        userAccountStatus: 'PENDING_KYC',
        phoneVerified: false,
      },
    }),
    ...answers('clientWrite', {
      400: ['INVALID_PHONE_NUMBER', 'INVALID_EMAIL', 'PASSWORD_POLICY'],
      403: ['ROLE_NOT_ALLOWED'],
      409: ['REGISTRATION_CONFLICT'],
      422: ['PASSWORD_BREACHED'],
    }),
  },
};

const signUpLinks = {
  200: {
    login: {
      operationId: 'login',
      description: 'Log the new user in with the email and password just sent.',
      requestBody: { username: '$request.body#/email', password: '$request.body#/password' },
    },
    openAccount: {
      operationId: 'openAccount',
      description: 'Open another account for the new user.',
      requestBody: { userId: '$response.body#/data/userId' },
    },
    getAccount: {
      operationId: 'getAccount',
      description: 'Read the main account.',
      parameters: { accountId: '$response.body#/data/accounts/0/accountId' },
    },
    createPortfolio: {
      operationId: 'createPortfolio',
      description: 'Open a portfolio on the main account (refused with 409 until KYC approves it).',
      requestBody: { accountId: '$response.body#/data/accounts/0/accountId', name: 'Main' },
    },
  },
};

export const signUpRoutes: FastifyPluginAsyncTypebox<AccountFlowOptions> = async (app, options) => {
  const send = commandSender(options.identity);
  const channel = createSendingChannel(options.commandPublicKey);
  answersAreNotStored(app);

  app.post(
    '/v1/user/sign-up',
    {
      config: app.sensitiveRateLimit,
      preHandler: app.requireClient(scopes.usersWrite),
      schema: signUpSchema,
      links: signUpLinks,
    },
    async (request) => {
      const { email, password, roles, locale } = request.body;
      // The schema's e164 format has already checked it; what is stored is its normalised form.
      const phoneNumber = smsPhoneNumber(request.body.phoneNumber) ?? request.body.phoneNumber;
      const { data, position } = await send(request, 'RegisterUser', {
        email,
        phoneNumber,
        roles: roles ?? [],
        ...(locale ? { locale } : {}),
        sealedSecrets: channel.seal({ password }),
      });
      await waitForUserView(options.users, data.userId, position, {
        timeoutMs: options.readYourWritesTimeoutMs,
        watch: options.projections,
        log: app.log,
      });
      return success({
        userId: data.userId,
        email: data.email,
        phoneNumber: data.phoneNumber,
        roles: data.roles,
        accounts: [{ accountId: data.accountId, kind: 'MAIN' as const, status: 'PENDING_KYC' as const }],
        userAccountStatus: 'PENDING_KYC' as const,
        phoneVerified: false,
      });
    },
  );
};
