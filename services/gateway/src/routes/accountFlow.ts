/**
 * Steps 1–4 of the account flow (API.md): sign-up, login, SMS code, resend,
 * refresh, forgotten password. Each call becomes one identity command; the
 * gateway itself holds no domain rule. The calls an attacker would repeat
 * have a stricter per-IP limit, and those naming an account count against it
 * too, from any IP (rateLimits.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ApiError,
  ChallengeData,
  ChangePasswordBody,
  Envelope,
  example,
  ForgetPasswordQuery,
  LoginBody,
  OtpBody,
  OtpData,
  PasswordStagedData,
  ReadHeaders,
  RefreshBody,
  ResendOtpBody,
  scopes,
  SignUpBody,
  SignUpData,
  TokensData,
  WriteHeaders,
  type CommandReplies,
  type IdentityCommand,
} from '@tessera/contracts';
import { createSendingChannel, generateSecretToken, hashSecretToken } from '@tessera/crypto';
import type { ViewCollection } from '@tessera/read-models';
import type { UserView } from '@tessera/read-models/views';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { success } from '../envelope.ts';
import type { IdentityClient } from '../identityClient.ts';
import { waitForView, type ProjectionWatch } from '../readYourWrites.ts';
import { answers } from '../routeAnswers.ts';
import { smsPhoneNumber } from '../schemaFormats.ts';

export interface AccountFlowOptions {
  identity: IdentityClient;
  users: ViewCollection<UserView>;
  commandPublicKey: Buffer;
  accessTokenTtlSeconds: number;
  readYourWritesTimeoutMs: number;
  projections?: ProjectionWatch | undefined;
}

const clientAuth = [{ clientAuth: [scopes.usersWrite] }];
const challengeExample = {
  sessionId: example.loginSessionId,
  challengeType: 'SMS_OTP' as const,
  codeDeliveryDestination: example.maskedPhoneNumber,
  expiresIn: 300,
};
const tokensExample = {
  userId: example.userId,
  accessToken: example.accessToken,
  tokenType: 'Bearer' as const,
  expiresIn: 300,
  refreshToken: example.refreshToken,
  refreshExpiresIn: 2_592_000,
};
/** A body for the next call, from this call's request and answer (runtime expressions, as stateful fuzzers read them). */
const challengeLinks = (username: string) => ({
  verifyOtp: {
    operationId: 'verifyOtp',
    description: 'Answer the code sent on this session (the code itself comes by SMS).',
    requestBody: {
      sessionId: '$response.body#/data/sessionId',
      username,
      challengeType: '$response.body#/data/challengeType',
    },
  },
  resendOtp: {
    operationId: 'resendOtp',
    description: 'Send a new code on this session.',
    requestBody: { sessionId: '$response.body#/data/sessionId', username },
  },
});

export const accountFlowRoutes: FastifyPluginAsyncTypebox<AccountFlowOptions> = async (app, options) => {
  const { identity, users, commandPublicKey } = options;
  const channel = createSendingChannel(commandPublicKey);
  const seal = (secrets: Record<string, string>) => channel.seal(secrets);

  async function send<K extends IdentityCommand['type']>(
    request: FastifyRequest,
    type: K,
    payload: Extract<IdentityCommand, { type: K }>['payload'],
  ): Promise<{ data: CommandReplies[K]; position?: number }> {
    const clientId = request.client?.sub ?? '';
    const result = await identity.send({
      type,
      metadata: { correlationId: request.id, clientId },
      payload,
    } as IdentityCommand);
    if (!result.ok) throw new ApiError(result.error, result.retryAfterSeconds);
    return {
      data: result.data as CommandReplies[K],
      ...(result.position === undefined ? {} : { position: result.position }),
    };
  }

  /** Waits (bounded) until the user's read model has seen a write, so the next query finds it. */
  async function readYourWrites(userId: string, position: number | undefined) {
    if (position === undefined) return;
    const view = await waitForView(
      () => users.get(userId),
      (current) => current.version >= position,
      options.readYourWritesTimeoutMs,
      { watch: options.projections, position },
    );
    if (!view || view.version < position)
      app.log.warn({ userId, position }, 'read model behind: answering before it caught up');
  }

  async function userTokens(
    reply: FastifyReply,
    clientId: string,
    session: { userId: string; sessionId: string; familyId: string; roles: string[]; refreshExpiresAt: string },
    refreshToken: string,
  ) {
    const accessToken = reply.server.jwt.sign(
      // The plugin's own signer, exp in the claims: reply.jwtSign (with or without options) builds a new signer, parsing the PEM key, for every token.
      {
        token_use: 'user',
        sub: session.userId,
        client_id: clientId,
        sid: session.sessionId,
        fam: session.familyId,
        roles: session.roles,
        exp: Math.floor(Date.now() / 1000) + options.accessTokenTtlSeconds,
      },
    );
    return {
      userId: session.userId,
      accessToken,
      tokenType: 'Bearer' as const,
      expiresIn: options.accessTokenTtlSeconds,
      refreshToken,
      refreshExpiresIn: Math.max(0, Math.floor((Date.parse(session.refreshExpiresAt) - Date.now()) / 1000)),
    };
  }

  const write = scopes.usersWrite;
  app.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('cache-control', 'no-store');
    return payload;
  });

  app.post(
    '/v1/user/sign-up',
    {
      config: app.sensitiveRateLimit,
      preHandler: app.requireClient(write),
      schema: {
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
      },
      links: {
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
      },
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
        sealedSecrets: seal({ password }),
      });
      await readYourWrites(data.userId, position);
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

  app.post(
    '/v1/user/login',
    {
      config: { ...app.sensitiveRateLimit, uniformAnswer: 'failures' },
      preHandler: app.requireClient(write),
      schema: {
        tags: ['user'],
        operationId: 'login',
        summary: 'Check the password and send an SMS code',
        description:
          'Checks the password, then sends a code by SMS on a new session. An unknown email and a wrong password get the same answer in the same time. From the 5th wrong password in a row the login locks for a growing time (429 LOGIN_TEMPORARILY_LOCKED); too many wrong codes in a row lock the account until a password reset (403 ACCOUNT_LOCKED).',
        security: clientAuth,
        headers: WriteHeaders,
        body: LoginBody,
        response: {
          200: Envelope(ChallengeData, {
            description: 'A code was sent by SMS: answer it with POST /v1/user/otp.',
            example: challengeExample,
          }),
          ...answers('clientWrite', {
            401: ['INVALID_CREDENTIALS'],
            403: ['ACCOUNT_LOCKED'],
            429: ['LOGIN_TEMPORARILY_LOCKED'],
          }),
        },
      },
      links: { 200: challengeLinks('$request.body#/username') },
    },
    async (request) => {
      const { username, password } = request.body;
      await app.limitIdentifier(username);
      const { data } = await send(request, 'StartLogin', { email: username, sealedSecrets: seal({ password }) });
      return success(data);
    },
  );

  app.post(
    '/v1/user/otp',
    {
      config: { ...app.sensitiveRateLimit, uniformAnswer: 'failures' },
      preHandler: app.requireClient(write),
      schema: {
        tags: ['user'],
        operationId: 'verifyOtp',
        summary: 'Answer the SMS code: tokens for a login, the new password for a reset',
        description:
          'On a login session, answers an access token and a refresh token; on a password-reset session, commits the staged password and ends every session of the user. A challenge allows 3 wrong codes, lasts 5 minutes and works once; the first right code also marks the phone number verified.',
        security: clientAuth,
        headers: WriteHeaders,
        body: OtpBody,
        response: {
          200: Envelope(OtpData, {
            description: 'Tokens (login session) or `passwordChanged` (password-reset session).',
            example: tokensExample,
          }),
          ...answers('clientWrite', {
            401: ['OTP_INVALID', 'OTP_EXPIRED', 'OTP_ALREADY_USED', 'OTP_ATTEMPTS_EXHAUSTED'],
            403: ['ACCOUNT_LOCKED'],
            422: ['PASSWORD_NOT_STAGED'],
          }),
        },
      },
      links: {
        200: {
          refreshSession: {
            operationId: 'refreshSession',
            description: 'Rotate the refresh token of a login session.',
            requestBody: { username: '$request.body#/username', refreshToken: '$response.body#/data/refreshToken' },
          },
        },
      },
    },
    async (request, reply) => {
      const { sessionId, username, challengeType, code } = request.body;
      await app.limitIdentifier(username);
      const refreshToken = generateSecretToken();
      const { data, position } = await send(request, 'VerifyOtp', {
        email: username,
        sessionId,
        challengeType,
        sealedSecrets: seal({ code }),
        newRefreshTokenHash: hashSecretToken(refreshToken),
      });
      await readYourWrites(data.userId, position);
      if (data.purpose === 'PASSWORD_RESET') return success({ userId: data.userId, passwordChanged: true as const });
      return success(await userTokens(reply, request.client?.sub ?? '', data, refreshToken));
    },
  );

  app.post(
    '/v1/user/otp/resend',
    {
      config: { ...app.sensitiveRateLimit, uniformAnswer: 'always' },
      preHandler: app.requireClient(write),
      schema: {
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
      },
      links: { 200: { verifyOtp: challengeLinks('$request.body#/username').verifyOtp } },
    },
    async (request) => {
      const { sessionId, username } = request.body;
      await app.limitIdentifier(username);
      const { data } = await send(request, 'ResendOtp', { email: username, sessionId });
      return success(data);
    },
  );

  app.post(
    '/v1/user/refresh',
    {
      preHandler: app.requireClient(write),
      schema: {
        tags: ['user'],
        operationId: 'refreshSession',
        summary: 'Rotate the refresh token and get a new access token',
        description:
          'Answers a new access token and a new refresh token; the one presented stops working. Presenting a refresh token that was already rotated is taken as theft: the whole login is revoked.',
        security: clientAuth,
        headers: WriteHeaders,
        body: RefreshBody,
        response: {
          200: Envelope(TokensData, {
            description: 'New tokens; keep the new refresh token.',
            example: { ...tokensExample, refreshToken: example.rotatedRefreshToken },
          }),
          ...answers('clientWrite', { 401: ['REFRESH_TOKEN_INVALID'] }),
        },
      },
      links: {
        200: {
          refreshSession: {
            operationId: 'refreshSession',
            description: 'Rotate again, with the refresh token just answered.',
            requestBody: { username: '$request.body#/username', refreshToken: '$response.body#/data/refreshToken' },
          },
        },
      },
    },
    async (request, reply) => {
      const { username, refreshToken } = request.body;
      const next = generateSecretToken();
      const { data } = await send(request, 'RefreshSession', {
        email: username,
        presentedTokenHash: hashSecretToken(refreshToken),
        newRefreshTokenHash: hashSecretToken(next),
      });
      return success(await userTokens(reply, request.client?.sub ?? '', data, next));
    },
  );

  app.get(
    '/v1/user/forget-password',
    {
      config: { ...app.sensitiveRateLimit, uniformAnswer: 'always' },
      preHandler: app.requireClient(write),
      schema: {
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
      },
      links: {
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
      },
    },
    async (request) => {
      await app.limitIdentifier(request.query.email);
      const { data } = await send(request, 'StartPasswordReset', { email: request.query.email });
      return success(data);
    },
  );

  app.put(
    '/v1/user/change-password',
    {
      config: { ...app.sensitiveRateLimit, uniformAnswer: 'always' },
      preHandler: app.requireClient(write),
      schema: {
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
      },
      links: {
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
      },
    },
    async (request) => {
      const { sessionId, username, challengeType, password, passwordConfirm } = request.body;
      if (password !== passwordConfirm) throw new ApiError('PASSWORD_MISMATCH');
      const { data } = await send(request, 'StagePasswordChange', {
        email: username,
        sessionId,
        challengeType,
        sealedSecrets: seal({ password }),
      });
      return success(data);
    },
  );
};
