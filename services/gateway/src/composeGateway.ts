/**
 * The gateway composed from its adapters and settings, the same in its own
 * process (main.ts) and in the embedded default: identity reached over the
 * bus with the configured timeout, failures logged, request limits keyed
 * from the keyring, Plivo's delivery reports accepted when configured.
 */
import { topics } from '@tessera/contracts';
import { deriveKey } from '@tessera/crypto';
import type { Logger } from '@tessera/logging';
import type { MessageBus } from '@tessera/messaging';
import type { RateLimitStore } from '@tessera/rate-limits';
import type { ViewStore } from '@tessera/read-models';
import type { Keyring, Metrics } from '@tessera/runtime';
import type { FastifyInstance } from 'fastify';
import { buildGateway, devKycWebhookSecret, gatewayRateLimitKeyPurpose } from './app.ts';
import type { GatewayConfig } from './gatewayConfig.ts';
import { createBusIdentityClient, type IdentityClient } from './identityClient.ts';
import { identityReadiness } from './identityReadiness.ts';
import type { ProjectionWatch } from './readYourWrites.ts';
import type { ReadinessCheck } from './routes/health.ts';

export interface GatewayAdapters {
  bus: MessageBus;
  views: ViewStore;
  /** Where request limits are counted: in-process for one gateway, shared (MongoDB) for several. */
  rateLimitStore: RateLimitStore;
  /** Readiness checks besides the read models and identity, which are always checked. */
  readiness: ReadinessCheck[];
  /** When given, request rate and latency are recorded and served at /metrics. */
  metrics?: Metrics;
  /** Told of each event the projector of this process writes, when there is one (embedded). */
  projections?: ProjectionWatch;
}

export interface GatewaySettings {
  config: GatewayConfig;
  keyring: Pick<Keyring, 'signingKeys' | 'hashingKey' | 'commandKeyPair'>;
  /** The KYC provider's callback secret; unset: derived from the keyring (the dev provider signs with it). */
  kycWebhookSecret?: string;
  /** Plivo's delivery reports are accepted when set. */
  plivo?: { authTokens: string[]; publicBaseUrl: string };
}

export interface ComposedGateway {
  app: FastifyInstance;
  /** How this gateway sends identity its commands (the embedded default registers its dev client with it). */
  identity: IdentityClient;
}

export async function composeGateway(
  adapters: GatewayAdapters,
  settings: GatewaySettings,
  logger: Logger,
): Promise<ComposedGateway> {
  const { bus } = adapters;
  const { config, keyring } = settings;
  const identity = createBusIdentityClient(bus, {
    timeoutMs: config.commandTimeoutMs,
    commandPublicKey: keyring.commandKeyPair.publicKey,
    hashingKey: keyring.hashingKey,
    onError: (error) => logger.error({ err: error }, 'identity request failed'),
  });
  const app = await buildGateway({
    identity,
    views: adapters.views,
    signingKeys: keyring.signingKeys,
    commandPublicKey: keyring.commandKeyPair.publicKey,
    config,
    logger,
    metrics: adapters.metrics,
    // Ready only while an identity instance can answer commands, not merely while the bus answers.
    readiness: [...adapters.readiness, identityReadiness(bus)],
    rateLimitStore: adapters.rateLimitStore,
    rateLimitHashKey: deriveKey(keyring.hashingKey, gatewayRateLimitKeyPurpose),
    // Only the dev KYC provider is built so far, so its pages are served.
    kyc: { webhookSecret: settings.kycWebhookSecret ?? devKycWebhookSecret(keyring.hashingKey), devPages: true },
    projections: adapters.projections,
    ...(settings.plivo
      ? {
          plivoWebhook: {
            ...settings.plivo,
            publish: (report) =>
              bus.publish(topics.smsDeliveryReports, [{ key: report.providerMessageId, value: report, headers: {} }]),
          },
        }
      : {}),
  });
  return { app, identity };
}
