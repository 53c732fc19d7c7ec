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
import type { ReadinessCheck } from './routes/health.ts';
import { registerRoutes } from './routeGroups.ts';
import { createStepUpTokens } from './stepUpTokens.ts';
import { idempotencyPlugin } from './idempotency.ts';
import { openApiOptions } from './openApi.ts';
import type { PlivoWebhookOptions } from './routes/plivoWebhook.ts';
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
  const issuer = tokenIssuer(app as unknown as FastifyInstance, options.config.issuer);
  const audience = options.config.audience !== undefined ? { audience: options.config.audience } : {};
  const stepUpTokens = createStepUpTokens({ signingKeys: options.signingKeys, issuer, ...audience });
  await app.register(authPlugin, {
    signingKeys: options.signingKeys,
    issuer,
    ...audience,
    isSessionRevoked: async (familyId) => (await views.sessions.get(familyId))?.revoked === true,
    stepUpTokens,
    isStepUpTokenSpent: async (claims) => {
      if ((await views.stepUpTokens.get(claims.jti)) !== undefined) return true;
      // Signed before the number changed (in the same second counts as before): identity refuses it too.
      const revokedAt = (await views.users.get(claims.sub))?.stepUpsRevokedAt;
      return revokedAt !== undefined && claims.iat * 1000 <= Date.parse(revokedAt);
    },
  });
  await app.register(idempotencyPlugin, { store: options.views });
  await registerRoutes(app, options, views, stepUpTokens);
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

export type Gateway = ReturnType<typeof createFastify>;

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
