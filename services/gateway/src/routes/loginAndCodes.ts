/** Steps 2 and 3 of the account flow: the password, then the SMS code (and a new code on the same session). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ChallengeData,
  Envelope,
  LoginBody,
  LoginChallengeData,
  OtpBody,
  OtpData,
  ResendOtpBody,
  passkeyRequestOptionsExample,
  scopes,
  WriteHeaders,
  type ChallengeReply,
  type PasskeyRequestOptions,
} from '@tessera/contracts';
import { createSendingChannel, type SendingChannel } from '@tessera/crypto';
import { success } from '../envelope.ts';
import { waitForUserView } from '../readYourWrites.ts';
import { newRefreshSecret } from '../refreshTokens.ts';
import { answers } from '../routeAnswers.ts';
import type { UniformAnswer } from '../uniformAnswerTime.ts';
import { challengeExample, challengeLinks, clientAuth, tokensExample, type AccountFlowOptions } from './accountFlow.ts';
import { callingClientOf, commandSender } from './identityCommands.ts';
import { answersAreNotStored } from './noStore.ts';
import { userTokenAudience, userTokens } from './userTokens.ts';

const loginSchema = {
  tags: ['user'],
  operationId: 'login',
  summary: 'Check the password and send an SMS code',
  description:
    'Checks the password, then sends a code by SMS on a new session; the `device` given goes with the session the code starts. An unknown email and a wrong password get the same answer in the same time. From the 5th wrong password in a row the login locks for a growing time (429 LOGIN_TEMPORARILY_LOCKED); too many wrong codes in a row lock the account until a password reset (403 ACCOUNT_LOCKED).',
  security: clientAuth,
  headers: WriteHeaders,
  body: LoginBody,
  response: {
    200: Envelope(LoginChallengeData, {
      description:
        'A code was sent by SMS: answer it with POST /v1/user/otp. With `passkeyOptions` (the user has a passkey for this app), a passkey may answer instead.',
      example: {
        ...challengeExample,
        passkeyOptions: passkeyRequestOptionsExample,
      },
    }),
    ...answers('clientWrite', {
      401: ['INVALID_CREDENTIALS'],
      403: ['ACCOUNT_LOCKED'],
      429: ['LOGIN_TEMPORARILY_LOCKED'],
    }),
  },
};

const loginLinks = { 200: challengeLinks('$request.body#/username') };

const verifyOtpSchema = {
  tags: ['user'],
  operationId: 'verifyOtp',
  summary:
    'Answer the SMS code: tokens for a login, the new password for a reset, a step-up token for a step-up, the new phone number for a change',
  description:
    'On a login session, answers an access token and a refresh token; on a password-reset session, commits the staged password and ends every session of the user; on a step-up session (POST /v1/user/step-up), answers a `stepUpToken` for the action and transaction the SMS stated; on a phone number change (POST /v1/user/phone-number), commits the new number (409 PHONE_NUMBER_TAKEN if another user took it meanwhile), tells the old number and ends every other login of the user. A challenge allows 3 wrong codes, lasts 5 minutes and works once; the first right code also marks the phone number verified. On a login or password-reset session, `challengeType` RECOVERY_CODE with one of the recovery codes (POST /v1/user/recovery-codes) answers instead of the SMS code: each works once, the phone gets an SMS saying one was used, and a wrong one counts as a wrong SMS code, on the session and towards the account lock. On a login or step-up session, `challengeType` PASSKEY with `passkeyResponse`, the assertion of `navigator.credentials.get()` for the `passkeyOptions` of the login (or step-up) answer, answers instead of the SMS code; a failed assertion (the challenge of another session, a removed passkey, a signature counter that did not grow) counts as a wrong SMS code, on the session and towards the account lock. A step-up session takes no recovery code, a phone-number session only its SMS code, and a password-reset session no passkey (422 CHALLENGE_TYPE_MISMATCH).',
  security: clientAuth,
  headers: WriteHeaders,
  body: OtpBody,
  response: {
    200: Envelope(OtpData, {
      description:
        'Tokens (login session), `passwordChanged` (password-reset session), `stepUpToken` (step-up session) or `phoneNumberChanged` (phone number change).',
      example: tokensExample,
    }),
    ...answers('clientWrite', {
      401: ['OTP_INVALID', 'OTP_EXPIRED', 'OTP_ALREADY_USED', 'OTP_ATTEMPTS_EXHAUSTED', 'STEP_UP_SESSION_ENDED'],
      403: ['ACCOUNT_LOCKED'],
      409: ['PHONE_NUMBER_TAKEN'],
      422: ['PASSWORD_NOT_STAGED', 'CHALLENGE_TYPE_MISMATCH'],
    }),
  },
};

const verifyOtpLinks = {
  200: {
    refreshSession: {
      operationId: 'refreshSession',
      description: 'Rotate the refresh token of a login session.',
      requestBody: { username: '$request.body#/username', refreshToken: '$response.body#/data/refreshToken' },
    },
  },
};

const resendOtpSchema = {
  tags: ['user'],
  operationId: 'resendOtp',
  summary: 'Send a new code on the same session',
  description:
    "Sends a new code on a login or password-reset session, at most one every 30 seconds (429 OTP_RESEND_TOO_SOON); the session keeps its count of wrong codes. Past the phone's SMS budget no code is sent, and the answer looks the same.",
  security: clientAuth,
  headers: WriteHeaders,
  body: ResendOtpBody,
  response: {
    200: Envelope(ChallengeData, { description: 'A new code was sent by SMS.', example: challengeExample }),
    ...answers('clientWrite', {
      401: ['OTP_INVALID', 'OTP_ALREADY_USED', 'OTP_ATTEMPTS_EXHAUSTED'],
      403: ['ACCOUNT_LOCKED'],
      429: ['OTP_RESEND_TOO_SOON'],
    }),
  },
};

const resendOtpLinks = { 200: { verifyOtp: challengeLinks('$request.body#/username').verifyOtp } };

/** The login's challenge, with the passkey's request options when the user has a passkey for this client. */
function loginAnswer(data: ChallengeReply) {
  const { passkeyOptions, ...challenge } = data;
  // Identity made them with @simplewebauthn/server: WebAuthn's JSON form, which the schema describes.
  return { ...challenge, ...(passkeyOptions ? { passkeyOptions: passkeyOptions as PasskeyRequestOptions } : {}) };
}

/** A code travels sealed; a passkey's answer is a signature over this session's challenge, no secret, and goes as it is. */
function answerOf(body: OtpBody, channel: SendingChannel) {
  if (body.challengeType === 'PASSKEY')
    return { sealedSecrets: channel.seal({}), passkeyResponse: body.passkeyResponse };
  return { sealedSecrets: channel.seal({ code: body.code }) };
}

export const loginAndCodeRoutes: FastifyPluginAsyncTypebox<AccountFlowOptions> = async (app, options) => {
  const send = commandSender(options.identity);
  const channel = createSendingChannel(options.commandPublicKey);
  const preHandler = app.requireClient(scopes.usersWrite);
  /** What the three routes share: the sensitive routes' limit, a client token, the answers that wait (uniformAnswerTime.ts). */
  const guarded = (uniformAnswer: UniformAnswer) => ({
    config: { ...app.sensitiveRateLimit, uniformAnswer },
    preHandler,
  });
  answersAreNotStored(app);

  app.post('/v1/user/login', { ...guarded('failures'), schema: loginSchema, links: loginLinks }, async (request) => {
    const { username, password, device } = request.body;
    await app.limitIdentifier(username);
    const { data } = await send(request, 'StartLogin', {
      email: username,
      sealedSecrets: channel.seal({ password }),
      ...(device ? { device } : {}),
    });
    return success(loginAnswer(data));
  });

  app.post(
    '/v1/user/otp',
    { ...guarded('failures'), schema: verifyOtpSchema, links: verifyOtpLinks },
    async (request, reply) => {
      const { sessionId, username, challengeType } = request.body;
      await app.limitIdentifier(username);
      const refresh = newRefreshSecret();
      const { data, position } = await send(request, 'VerifyOtp', {
        email: username,
        sessionId,
        challengeType,
        ...answerOf(request.body, channel),
        newRefreshTokenHash: refresh.hash,
      });
      const wait = { timeoutMs: options.readYourWritesTimeoutMs, watch: options.projections, log: app.log };
      await waitForUserView(options.users, data.userId, position, wait);
      if (data.purpose === 'PASSWORD_RESET') return success({ userId: data.userId, passwordChanged: true as const });
      if (data.purpose === 'PHONE_NUMBER_CHANGE')
        return success({ userId: data.userId, phoneNumberChanged: true as const, phoneNumber: data.phoneNumber });
      // Step-up tokens name the same audiences as the user's access tokens: the partner's payment service among them.
      const audience = await userTokenAudience(request, options.apiClients);
      if (data.purpose === 'STEP_UP')
        return success({ userId: data.userId, ...options.stepUpTokens.sign(data, audience) });
      const tokenOptions = {
        clientId: callingClientOf(request),
        accessTokenTtlSeconds: options.accessTokenTtlSeconds,
        audience,
      };
      return success(userTokens(reply, tokenOptions, data, refresh.secret));
    },
  );

  app.post(
    '/v1/user/otp/resend',
    { ...guarded('always'), schema: resendOtpSchema, links: resendOtpLinks },
    async (request) => {
      const { sessionId, username } = request.body;
      await app.limitIdentifier(username);
      const { data } = await send(request, 'ResendOtp', { email: username, sessionId });
      return success(data);
    },
  );
};
