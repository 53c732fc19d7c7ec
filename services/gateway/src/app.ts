/**
 * The gateway as a Fastify instance: authentication, validation with the
 * shared schemas, one error envelope, OpenAPI at /docs. Built from its
 * dependencies so the embedded and distributed modes, and tests, share it.
 */
import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ApiError, ErrorEnvelope } from '@tessera/contracts';
import type { Logger } from '@tessera/logging';
import type { Metrics } from '@tessera/runtime';
import { openViews } from '@tessera/read-models/views';
import type { RateLimitStore } from '@tessera/rate-limits';
import type { ViewStore } from '@tessera/read-models';
import { deriveKey } from '@tessera/crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { authPlugin } from './auth.ts';
import { answerClientError, answerError, installErrorHandling } from './errorHandler.ts';
import { knownRoutesPlugin } from './knownRoutes.ts';
import { requestTextPlugin } from './requestText.ts';
import type { GatewayConfig } from './gatewayConfig.ts';
import type { IdentityClient } from './identityClient.ts';
import { rateLimitsPlugin } from './rateLimits.ts';
import { uniformAnswerTimePlugin } from './uniformAnswerTime.ts';
import { RequestLogController } from './requestLog.ts';
import type { AccountFlowOptions } from './routes/accountFlow.ts';
import { signUpRoutes } from './routes/signUp.ts';
import { loginAndCodeRoutes } from './routes/loginAndCodes.ts';
import { refreshRoutes } from './routes/refresh.ts';
import { passwordResetRoutes } from './routes/passwordReset.ts';
import { healthRoutes, type ReadinessCheck } from './routes/health.ts';
import { signedInUserRoutes } from './routes/signedInUser.ts';
import { userSessionRoutes } from './routes/userSessions.ts';
import { adminRoutes } from './routes/admin.ts';
import { accountRoutes, type AccountRoutesOptions } from './routes/accounts.ts';
import { accountActivationRoutes } from './routes/accountActivation.ts';
import { portfolioRoutes } from './routes/portfolios.ts';
import { kycRoutes, type KycRoutesOptions } from './routes/kyc.ts';
import { kycCallbackRoutes } from './routes/kycCallback.ts';
import { kycDevPageRoutes } from './routes/kycDevPages.ts';
import { idempotencyPlugin } from './idempotency.ts';
import { oauthRoutes } from './routes/oauth.ts';
import { oauthIntrospectionRoutes } from './routes/oauthIntrospection.ts';
import { oauthMetadataRoutes } from './routes/oauthMetadata.ts';
import { openApiOptions } from './openApi.ts';
import { plivoWebhookRoutes, type PlivoWebhookOptions } from './routes/plivoWebhook.ts';
import { schemaFormats } from './schemaFormats.ts';
import type { SigningKey } from './signingKeys.ts';
import { tokenIssuer } from './tokenIssuer.ts';
import type { ProjectionWatch } from './readYourWrites.ts';

export interface GatewayOptions {
  identity: IdentityClient;
  views: ViewStore;
  signingKeys: SigningKey[];
  /** Identity's public key: secrets are sealed to it before they leave the gateway. */
  commandPublicKey: Buffer;
  config: GatewayConfig;
  logger: Logger;
  readiness?: ReadinessCheck[];
  /** When given, request rate and latency are recorded and served at /metrics. */
  metrics?: Metrics;
  /** When given, Plivo's signed delivery reports are accepted. */
  plivoWebhook?: PlivoWebhookOptions;
  /** Where request limits are counted: in-process for one gateway, shared (MongoDB) for several. */
  rateLimitStore: RateLimitStore;
  /** Keys the hash of the IPs and emails that limits count, so no store holds them in clear. */
  rateLimitHashKey: Buffer;
  /** The KYC provider's callback secret, and whether to serve the dev provider's pages. */
  kyc: { webhookSecret: string; devPages: boolean };
  /** Told of each event the projector of this process writes, when there is one: read-your-writes waits on it instead of polling. */
  projections?: ProjectionWatch;
}

const CORRELATION_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** What the rate-limit hash key is derived for from the keyring's hashing key: every gateway derives the same one. */
export const gatewayRateLimitKeyPurpose = 'gateway rate limits';

/** The KYC callback secret when none is configured: derived from the keyring, the same in every gateway. */
export function devKycWebhookSecret(hashingKey: Buffer): string {
  return deriveKey(hashingKey, 'kyc webhook').toString('hex');
}

export async function buildGateway(options: GatewayOptions): Promise<FastifyInstance> {
  const app = createFastify(options);
  await installRequestHandling(app, options);
  const views = openViews(options.views);
  await app.register(authPlugin, {
    signingKeys: options.signingKeys,
    issuer: tokenIssuer(app as unknown as FastifyInstance, options.config.issuer),
    ...(options.config.audience !== undefined ? { audience: options.config.audience } : {}),
    isSessionRevoked: async (familyId) => (await views.sessions.get(familyId))?.revoked === true,
  });
  await app.register(idempotencyPlugin, { store: options.views });
  await registerRoutes(app, options, views);
  return app as unknown as FastifyInstance;
}

function createFastify({ config, logger }: GatewayOptions) {
  return Fastify({
    // pino 10's logger type is richer than the one fastify declares; at run time they are the same object.
    loggerInstance: logger.child(
      {},
      {
        // Paths only: query strings can hold an email (forget-password) and must not reach the logs.
        serializers: {
          req: (request: { method: string; url: string; ip?: string }) => ({
            method: request.method,
            path: request.url.split('?')[0],
            remoteAddress: request.ip,
          }),
        },
      },
    ) as unknown as FastifyBaseLogger,
    // One line per request, once answered, instead of Fastify's two.
    logController: new RequestLogController(),
    bodyLimit: config.bodyLimitBytes,
    // Decides request.ip, and so every per-IP limit: whose X-Forwarded-For is believed (ADR 13).
    trustProxy: config.trustProxy,
    // A caller's correlation id is kept only if it is a plain token: nothing it sends can forge a log line.
    genReqId: (request) => {
      const header = request.headers['x-correlation-id'];
      return typeof header === 'string' && CORRELATION_ID.test(header) ? header : randomUUID();
    },
    // The formats the OpenAPI document names beside the standard ones (schemaFormats.ts).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false, formats: schemaFormats } },
    // Errors met before routing (a path with broken percent-encoding) get the envelope too, not Fastify's own body.
    frameworkErrors: answerError,
    clientErrorHandler: answerClientError,
    // Node answers an HTTP/1.1 request without Host itself, with an empty body; the hook below refuses it in the envelope instead.
    http: { requireHostHeader: false },
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();
}

type Gateway = ReturnType<typeof createFastify>;
type Views = ReturnType<typeof openViews>;

/** What every request meets, routed or not: correlation id, limits, metrics, the error envelope, strict text, the docs. */
async function installRequestHandling(app: Gateway, options: GatewayOptions): Promise<void> {
  const { config } = options;
  app.addHook('onSend', async (request, reply, payload) => {
    void reply.header('x-correlation-id', request.id);
    return payload;
  });
  app.addHook('onRequest', async (request) => {
    // RFC 9112 §3.2: an HTTP/1.1 request without Host is refused.
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined)
      throw new ApiError('VALIDATION_FAILED');
  });
  // Before any route, so that every route gets a limit.
  await app.register(rateLimitsPlugin, {
    store: options.rateLimitStore,
    settings: config.rateLimits,
    rateLimitHashKey: options.rateLimitHashKey,
  });
  await app.register(uniformAnswerTimePlugin, { milliseconds: config.uniformAnswerMs });
  if (options.metrics) serveMetrics(app, options.metrics);
  // Before any route, so that each is known to the 405 answer.
  await app.register(knownRoutesPlugin);
  installErrorHandling(app);
  // JSON and (for /oauth/token) forms only, strictly UTF-8: anything else is a clear 415 or 400.
  app.removeContentTypeParser('text/plain');
  await app.register(requestTextPlugin);
  app.addSchema(ErrorEnvelope);

  await app.register(swagger, openApiOptions);
  await app.register(swaggerUi, { routePrefix: '/docs' });
}

function serveMetrics(app: Gateway, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequestDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  // Scrapers poll from a few addresses and must never be refused.
  app.get('/metrics', { schema: { hide: true }, config: { rateLimit: false } }, async (_request, reply) =>
    reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}

/** Every route group, each its own plugin, in the order the OpenAPI document lists them. */
async function registerRoutes(app: Gateway, options: GatewayOptions, views: Views): Promise<void> {
  const { config } = options;
  await app.register(healthRoutes, {
    readiness: [{ name: 'readModels', check: () => options.views.ping() }, ...(options.readiness ?? [])],
  });
  await app.register(oauthRoutes, {
    apiClients: views.apiClients,
    signingKeys: options.signingKeys,
    clientTokenTtlSeconds: config.clientTokenTtlSeconds,
  });
  await app.register(oauthIntrospectionRoutes, { apiClients: views.apiClients });
  await app.register(oauthMetadataRoutes);
  const accountFlow: AccountFlowOptions = {
    identity: options.identity,
    users: views.users,
    commandPublicKey: options.commandPublicKey,
    accessTokenTtlSeconds: config.accessTokenTtlSeconds,
    readYourWritesTimeoutMs: config.readYourWritesTimeoutMs,
    projections: options.projections,
  };
  for (const routes of [signUpRoutes, loginAndCodeRoutes, refreshRoutes, passwordResetRoutes])
    await app.register(routes, accountFlow);
  await app.register(signedInUserRoutes, {
    users: views.users,
    sessions: views.sessions,
    identity: options.identity,
    readYourWritesTimeoutMs: config.readYourWritesTimeoutMs,
  });
  await app.register(userSessionRoutes, {
    sessions: views.sessions,
    identity: options.identity,
    readYourWritesTimeoutMs: config.readYourWritesTimeoutMs,
    projections: options.projections,
  });
  const accounts: AccountRoutesOptions = {
    identity: options.identity,
    users: views.users,
    accounts: views.accounts,
    portfolios: views.portfolios,
    readYourWritesTimeoutMs: config.readYourWritesTimeoutMs,
  };
  for (const routes of [accountRoutes, accountActivationRoutes, portfolioRoutes]) await app.register(routes, accounts);
  const kyc: KycRoutesOptions = {
    identity: options.identity,
    identifications: views.kycIdentifications,
    store: options.views,
    webhookSecret: options.kyc.webhookSecret,
  };
  await app.register(kycRoutes, kyc);
  await app.register(kycCallbackRoutes, kyc);
  if (options.kyc.devPages) await app.register(kycDevPageRoutes, kyc);
  await app.register(adminRoutes, {
    users: views.users,
    identity: options.identity,
    readYourWritesTimeoutMs: config.readYourWritesTimeoutMs,
  });
  if (options.plivoWebhook) await app.register(plivoWebhookRoutes, options.plivoWebhook);
}
