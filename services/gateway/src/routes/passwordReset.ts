/**
 * Step 4 of the account flow, a forgotten password: a code on a reset
 * session, then the new password staged on it; the code, answered with
 * POST /v1/user/otp (loginAndCodes.ts), commits it.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ApiError,
  ChallengeData,
  ChangePasswordBody,
  Envelope,
  example,
  ForgetPasswordQuery,
  PasswordStagedData,
  ReadHeaders,
  scopes,
  WriteHeaders,
} from '@tessera/contracts';
import { createSendingChannel } from '@tessera/crypto';
import { success } from '../envelope.ts';
import { answers } from '../routeAnswers.ts';
import { challengeExample, challengeLinks, clientAuth, type AccountFlowOptions } from './accountFlow.ts';
import { commandSender } from './identityCommands.ts';
import { answersAreNotStored } from './noStore.ts';

const forgetPasswordSchema = {
  tags: ['user'],
  operationId: 'forgetPassword',
  summary: 'Start a password reset: an SMS code on a reset session',
  description:
    'Sends a code on a new password-reset session. The answer is the same whether or not the email has an account (an unknown one gets a made-up masked number, the same each time), so it tells nobody who has signed up.',
  security: clientAuth,
  headers: ReadHeaders,
  querystring: ForgetPasswordQuery,
  response: {
    200: Envelope(ChallengeData, {
      description: 'A reset session; stage the new password with PUT /v1/user/change-password.',
      example: { ...challengeExample, sessionId: example.resetSessionId },
    }),
    ...answers('clientRead', { 400: ['INVALID_EMAIL'], 503: ['DEPENDENCY_UNAVAILABLE'] }),
  },
};

const forgetPasswordLinks = {
  200: {
    changePassword: {
      operationId: 'changePassword',
      description: 'Stage the new password on this reset session.',
      requestBody: {
        sessionId: '$response.body#/data/sessionId',
        username: '$request.query.email',
        challengeType: '$response.body#/data/challengeType',
        password: example.newPassword,
        passwordConfirm: example.newPassword,
      },
    },
    resendOtp: challengeLinks('$request.query.email').resendOtp,
  },
};

const changePasswordSchema = {
  tags: ['user'],
  operationId: 'changePassword',
  summary: 'Stage the new password on a reset session; the SMS code commits it',
  description:
    'Stages the new password on the session of GET /v1/user/forget-password. Nothing changes until the code sent for that session is answered with POST /v1/user/otp, which then ends every session of the user.',
  security: clientAuth,
  headers: WriteHeaders,
  body: ChangePasswordBody,
  response: {
    200: Envelope(PasswordStagedData, {
      description: 'Staged: answer the SMS code with POST /v1/user/otp to commit it.',
      example: { sessionId: example.resetSessionId, challengeType: 'SMS_OTP', passwordStaged: true },
    }),
    ...answers('clientWrite', {
      400: ['PASSWORD_POLICY'],
      401: ['OTP_EXPIRED', 'OTP_ALREADY_USED', 'OTP_ATTEMPTS_EXHAUSTED'],
      422: ['PASSWORD_MISMATCH', 'PASSWORD_BREACHED', 'SESSION_NOT_RESETTABLE'],
    }),
  },
};

const changePasswordLinks = {
  200: {
    verifyOtp: {
      operationId: 'verifyOtp',
      description:
        'Commit the staged password with the code sent for the reset session (the code itself comes by SMS).',
      requestBody: {
        sessionId: '$request.body#/sessionId',
        username: '$request.body#/username',
        challengeType: '$request.body#/challengeType',
      },
    },
  },
};

export const passwordResetRoutes: FastifyPluginAsyncTypebox<AccountFlowOptions> = async (app, options) => {
  const send = commandSender(options.identity);
  const channel = createSendingChannel(options.commandPublicKey);
  // Each route its own config object: plugins may write into a route's config.
  const config = () => ({ ...app.sensitiveRateLimit, uniformAnswer: 'always' as const });
  const preHandler = app.requireClient(scopes.usersWrite);
  answersAreNotStored(app);

  app.get(
    '/v1/user/forget-password',
    { config: config(), preHandler, schema: forgetPasswordSchema, links: forgetPasswordLinks },
    async (request) => {
      await app.limitIdentifier(request.query.email);
      const { data } = await send(request, 'StartPasswordReset', { email: request.query.email });
      return success(data);
    },
  );

  app.put(
    '/v1/user/change-password',
    { config: config(), preHandler, schema: changePasswordSchema, links: changePasswordLinks },
    async (request) => {
      const { sessionId, username, challengeType, password, passwordConfirm } = request.body;
      if (password !== passwordConfirm) throw new ApiError('PASSWORD_MISMATCH');
      const { data } = await send(request, 'StagePasswordChange', {
        email: username,
        sessionId,
        challengeType,
        sealedSecrets: channel.seal({ password }),
      });
      return success(data);
    },
  );
};
