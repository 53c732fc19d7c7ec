/**
 * The gateway over fake ports, for route tests with inject(): identity is a
 * function that records each command and answers what the test says, the
 * read models are an in-memory SQLite store the test fills, and tokens are
 * signed with the gateway's own key.
 */
import type { CommandResult, IdentityCommand, StepUpVerified } from '@tessera/contracts';
import { createReceivingChannel, generateBoxKeyPair, newSigningKey } from '@tessera/crypto';
import { createLogger } from '@tessera/logging';
import { openViews } from '@tessera/read-models/views';
import { createInMemoryRateLimitStore } from '@tessera/rate-limits';
import { createSqliteViewStore, type ViewStore } from '@tessera/read-models';
import type { FastifyInstance } from 'fastify';
import { buildGateway, defaultGatewayConfig, type ReadinessCheck } from '../src/index.ts';

export type IdentityAnswer = (command: IdentityCommand) => CommandResult;

/** The secret the fake gateway's KYC callback checks signatures with. */
export const kycWebhookSecret = 'kyc-webhook-secret-for-route-tests';

export interface FakeIdentityGateway {
  app: FastifyInstance;
  /** Commands identity received, oldest first. */
  sent: IdentityCommand[];
  /** The read models the routes read, for a test to fill. */
  views: ReturnType<typeof openViews>;
  store: ViewStore;
  /** What the gateway sealed for identity (`sealedSecrets`), opened with identity's key. */
  unseal(sealed: string): unknown;
  /** From now on, identity answers this. */
  answer(reply: IdentityAnswer): void;
  clientToken(scope?: string, clientId?: string): string;
  /** A user token of user `u1`, signed up through client `acme`, in login `f1`. */
  userToken(claims?: { sub?: string; client_id?: string; fam?: string }): string;
  /**
   * A step-up token as POST /v1/user/otp answers it once identity verified this step-up (by default user `u1`'s
   * WITHDRAW through client `acme` in login `f1`). Identity keeps answering that verification until told otherwise.
   */
  stepUpToken(verified?: Partial<StepUpVerified>): Promise<string>;
  close(): Promise<void>;
}

export async function gatewayWithFakeIdentity(
  answer: IdentityAnswer = () => ({ ok: false, error: 'DEPENDENCY_UNAVAILABLE' }),
  options: { readiness?: ReadinessCheck[]; devPages?: boolean } = {},
): Promise<FakeIdentityGateway> {
  const store = createSqliteViewStore({ path: ':memory:' });
  const sent: IdentityCommand[] = [];
  let reply = answer;
  const commandKeys = generateBoxKeyPair();
  const identityChannel = createReceivingChannel(commandKeys);
  const app = await buildGateway({
    identity: {
      send: async (command) => {
        sent.push(command);
        return reply(command);
      },
    },
    views: store,
    signingKeys: [newSigningKey()],
    commandPublicKey: commandKeys.publicKey,
    config: {
      ...defaultGatewayConfig,
      // Route tests send many requests from one address; the limits have their own tests.
      rateLimits: {
        ...defaultGatewayConfig.rateLimits,
        perIp: 1_000_000,
        sensitivePerIp: 1_000_000,
        perIdentifier: 1_000_000,
      },
      // The answer-time floor and the wait for read models have their own tests; here a route answers at once.
      uniformAnswerMs: 0,
      readYourWritesTimeoutMs: 0,
      devPages: options.devPages ?? false,
    },
    logger: createLogger('gateway-test', { level: 'silent' }),
    rateLimitStore: createInMemoryRateLimitStore(),
    rateLimitHashKey: Buffer.alloc(32),
    kyc: { webhookSecret: kycWebhookSecret, devPages: false },
    ...(options.readiness ? { readiness: options.readiness } : {}),
  });
  await app.ready();
  const clientToken = (scope = 'users:write users:read accounts:manage', clientId = 'acme') =>
    app.signAccessToken({ token_use: 'client', sub: clientId, client_id: clientId, scope }, 300);
  return {
    app,
    sent,
    views: openViews(store),
    store,
    unseal: (sealed) => identityChannel.open(sealed)?.value,
    answer(next) {
      reply = next;
    },
    clientToken,
    userToken: ({ sub = 'u1', client_id = 'acme', fam = 'f1' } = {}) =>
      app.signAccessToken({ token_use: 'user', sub, client_id, scope: 'user', sid: 's1', fam, roles: ['USER'] }, 300),
    async stepUpToken(verified = {}) {
      const stepUp: StepUpVerified = {
        purpose: 'STEP_UP',
        userId: 'u1',
        stepUpId: 'su1',
        action: 'WITHDRAW',
        transactionHash: 'txn',
        clientId: 'acme',
        familyId: 'f1',
        tokenId: 't1',
        authTime: new Date().toISOString(),
        expiresAt: new Date(Date.now() + 300_000).toISOString(),
        ...verified,
      };
      reply = () => ({ ok: true, data: stepUp });
      const answer = await app.inject({
        method: 'POST',
        url: '/v1/user/otp',
        headers: { authorization: `Bearer ${clientToken(undefined, stepUp.clientId)}` },
        payload: { sessionId: stepUp.stepUpId, username: 'ada@example.com', challengeType: 'SMS_OTP', code: '4821' },
      });
      return answer.json().data.stepUpToken;
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}
