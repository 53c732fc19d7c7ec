/**
 * Steps 1–4 of the account flow (API.md): sign-up, login, SMS code, resend,
 * refresh, forgotten password. Each call becomes one identity command; the
 * gateway itself holds no domain rule. The calls an attacker would repeat
 * have a stricter per-IP limit, and those naming an account count against it
 * too, from any IP (rateLimits.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ApiError, ChallengeData, ChangePasswordBody, Envelope, ErrorEnvelope, ForgetPasswordQuery, LoginBody, OtpBody, OtpData,
  PasswordStagedData, RefreshBody, ResendOtpBody, scopes, SignUpBody, SignUpData, TokensData,
  type CommandReplies, type IdentityCommand,
} from '@tessera/contracts';
import { createSendingChannel, generateSecretToken, hashSecretToken } from '@tessera/crypto';
import type { ViewCollection } from '@tessera/read-models';
import type { UserView } from '@tessera/projector';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { success } from '../envelope.ts';
import type { IdentityClient } from '../identityClient.ts';
import { waitForView, type ProjectionWatch } from '../readYourWrites.ts';

export interface AccountFlowOptions {
  identity: IdentityClient;
  users: ViewCollection<UserView>;
  commandPublicKey: Buffer;
  accessTokenTtlSeconds: number;
  readYourWritesTimeoutMs: number;
  projections?: ProjectionWatch | undefined;
}

const errors = { '4xx': ErrorEnvelope, '5xx': ErrorEnvelope };

export const accountFlowRoutes: FastifyPluginAsyncTypebox<AccountFlowOptions> = async (app, options) => {
  const { identity, users, commandPublicKey } = options;
  const channel = createSendingChannel(commandPublicKey);
  const seal = (secrets: Record<string, string>) => channel.seal(secrets);

  async function send<K extends IdentityCommand['type']>(
    request: FastifyRequest, type: K, payload: Extract<IdentityCommand, { type: K }>['payload'],
  ): Promise<{ data: CommandReplies[K]; position?: number }> {
    const clientId = request.client?.sub ?? '';
    const result = await identity.send({ type, metadata: { correlationId: request.id, clientId }, payload } as IdentityCommand);
    if (!result.ok) throw new ApiError(result.error, result.retryAfterSeconds);
    return { data: result.data as CommandReplies[K], ...(result.position === undefined ? {} : { position: result.position }) };
  }

  /** Waits (bounded) until the user's read model has seen a write, so the next query finds it. */
  async function readYourWrites(userId: string, position: number | undefined) {
    if (position === undefined) return;
    const view = await waitForView(() => users.get(userId), (current) => current.version >= position, options.readYourWritesTimeoutMs, { watch: options.projections, position });
    if (!view || view.version < position) app.log.warn({ userId, position }, 'read model behind: answering before it caught up');
  }

  async function userTokens(reply: FastifyReply, clientId: string, session: { userId: string; sessionId: string; familyId: string; roles: string[]; refreshExpiresAt: string }, refreshToken: string) {
    const accessToken = reply.server.jwt.sign(
      // The plugin's own signer, exp in the claims: reply.jwtSign (with or without options) builds a new signer, parsing the PEM key, for every token.
      { token_use: 'user', sub: session.userId, client_id: clientId, sid: session.sessionId, fam: session.familyId, roles: session.roles, exp: Math.floor(Date.now() / 1000) + options.accessTokenTtlSeconds },
    );
    return {
      userId: session.userId, accessToken, tokenType: 'Bearer' as const, expiresIn: options.accessTokenTtlSeconds, refreshToken,
      refreshExpiresIn: Math.max(0, Math.floor((Date.parse(session.refreshExpiresAt) - Date.now()) / 1000)),
    };
  }

  const write = scopes.usersWrite;
  app.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('cache-control', 'no-store');
    return payload;
  });

  app.post('/v1/user/sign-up', {
    config: app.sensitiveRateLimit,
    preHandler: app.requireClient(write),
    schema: { tags: ['user'], summary: 'Create a user and their main account', security: [{ clientAuth: [] }], body: SignUpBody, response: { 200: Envelope(SignUpData), ...errors } },
  }, async (request) => {
    const { phoneNumber, email, password, roles, locale } = request.body;
    const { data, position } = await send(request, 'RegisterUser', { email, phoneNumber, roles: roles ?? [], ...(locale ? { locale } : {}), sealedSecrets: seal({ password }) });
    await readYourWrites(data.userId, position);
    return success({
      userId: data.userId, email: data.email, phoneNumber: data.phoneNumber, roles: data.roles,
      accounts: [{ accountId: data.accountId, kind: 'MAIN' as const, status: 'PENDING_KYC' as const }],
      userAccountStatus: 'PENDING_KYC' as const, phoneVerified: false,
    });
  });

  app.post('/v1/user/login', {
    config: { ...app.sensitiveRateLimit, uniformAnswer: 'failures' },
    preHandler: app.requireClient(write),
    schema: { tags: ['user'], summary: 'Check the password and send an SMS code', security: [{ clientAuth: [] }], body: LoginBody, response: { 200: Envelope(ChallengeData), ...errors } },
  }, async (request) => {
    const { username, password } = request.body;
    await app.limitIdentifier(username);
    const { data } = await send(request, 'StartLogin', { email: username, sealedSecrets: seal({ password }) });
    return success(data);
  });

  app.post('/v1/user/otp', {
    config: { ...app.sensitiveRateLimit, uniformAnswer: 'failures' },
    preHandler: app.requireClient(write),
    schema: { tags: ['user'], summary: 'Answer the SMS code: tokens for a login, the new password for a reset', security: [{ clientAuth: [] }], body: OtpBody, response: { 200: Envelope(OtpData), ...errors } },
  }, async (request, reply) => {
    const { sessionId, username, challengeType, code } = request.body;
    await app.limitIdentifier(username);
    const refreshToken = generateSecretToken();
    const { data, position } = await send(request, 'VerifyOtp', {
      email: username, sessionId, challengeType, sealedSecrets: seal({ code }), newRefreshTokenHash: hashSecretToken(refreshToken),
    });
    await readYourWrites(data.userId, position);
    if (data.purpose === 'PASSWORD_RESET') return success({ userId: data.userId, passwordChanged: true as const });
    return success(await userTokens(reply, request.client?.sub ?? '', data, refreshToken));
  });

  app.post('/v1/user/otp/resend', {
    config: { ...app.sensitiveRateLimit, uniformAnswer: 'always' },
    preHandler: app.requireClient(write),
    schema: { tags: ['user'], summary: 'Send a new code on the same session', security: [{ clientAuth: [] }], body: ResendOtpBody, response: { 200: Envelope(ChallengeData), ...errors } },
  }, async (request) => {
    const { sessionId, username } = request.body;
    await app.limitIdentifier(username);
    const { data } = await send(request, 'ResendOtp', { email: username, sessionId });
    return success(data);
  });

  app.post('/v1/user/refresh', {
    preHandler: app.requireClient(write),
    schema: { tags: ['user'], summary: 'Rotate the refresh token and get a new access token', security: [{ clientAuth: [] }], body: RefreshBody, response: { 200: Envelope(TokensData), ...errors } },
  }, async (request, reply) => {
    const { username, refreshToken } = request.body;
    const next = generateSecretToken();
    const { data } = await send(request, 'RefreshSession', {
      email: username, presentedTokenHash: hashSecretToken(refreshToken), newRefreshTokenHash: hashSecretToken(next),
    });
    return success(await userTokens(reply, request.client?.sub ?? '', data, next));
  });

  app.get('/v1/user/forget-password', {
    config: { ...app.sensitiveRateLimit, uniformAnswer: 'always' },
    preHandler: app.requireClient(write),
    schema: { tags: ['user'], summary: 'Start a password reset: an SMS code on a reset session', security: [{ clientAuth: [] }], querystring: ForgetPasswordQuery, response: { 200: Envelope(ChallengeData), ...errors } },
  }, async (request) => {
    await app.limitIdentifier(request.query.email);
    const { data } = await send(request, 'StartPasswordReset', { email: request.query.email });
    return success(data);
  });

  app.put('/v1/user/change-password', {
    config: { ...app.sensitiveRateLimit, uniformAnswer: 'always' },
    preHandler: app.requireClient(write),
    schema: { tags: ['user'], summary: 'Stage the new password on a reset session; the SMS code commits it', security: [{ clientAuth: [] }], body: ChangePasswordBody, response: { 200: Envelope(PasswordStagedData), ...errors } },
  }, async (request) => {
    const { sessionId, username, challengeType, password, passwordConfirm } = request.body;
    if (password !== passwordConfirm) throw new ApiError('PASSWORD_MISMATCH');
    const { data } = await send(request, 'StagePasswordChange', { email: username, sessionId, challengeType, sealedSecrets: seal({ password }) });
    return success(data);
  });
};
