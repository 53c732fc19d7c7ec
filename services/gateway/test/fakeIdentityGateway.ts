/**
 * The gateway over fake ports, for route tests with inject(): identity is a
 * function that records each command and answers what the test says, and
 * tokens are signed with the gateway's own key.
 */
import type { CommandResult, IdentityCommand } from '@tessera/contracts';
import { generateBoxKeyPair, newSigningKey } from '@tessera/crypto';
import { createLogger } from '@tessera/logging';
import { createInMemoryRateLimitStore } from '@tessera/rate-limits';
import { createSqliteViewStore } from '@tessera/read-models';
import type { FastifyInstance } from 'fastify';
import { buildGateway, defaultGatewayConfig } from '../src/index.ts';

export interface FakeIdentityGateway {
  app: FastifyInstance;
  /** Commands identity received, oldest first. */
  sent: IdentityCommand[];
  clientToken(scope?: string): string;
  close(): Promise<void>;
}

export async function gatewayWithFakeIdentity(
  answer: (command: IdentityCommand) => CommandResult = () => ({ ok: false, error: 'DEPENDENCY_UNAVAILABLE' }),
): Promise<FakeIdentityGateway> {
  const views = createSqliteViewStore({ path: ':memory:' });
  const sent: IdentityCommand[] = [];
  const app = await buildGateway({
    identity: {
      send: async (command) => {
        sent.push(command);
        return answer(command);
      },
    },
    views,
    signingKeys: [newSigningKey()],
    commandPublicKey: generateBoxKeyPair().publicKey,
    // Route tests send many requests from one address; the limits have their own tests.
    config: {
      ...defaultGatewayConfig,
      rateLimits: {
        ...defaultGatewayConfig.rateLimits,
        perIp: 1_000_000,
        sensitivePerIp: 1_000_000,
        perIdentifier: 1_000_000,
      },
    },
    logger: createLogger('gateway-test', { level: 'silent' }),
    rateLimitStore: createInMemoryRateLimitStore(),
    rateLimitHashKey: Buffer.alloc(32),
    kyc: { webhookSecret: 'unused', devPages: false },
  });
  await app.ready();
  return {
    app,
    sent,
    clientToken: (scope = 'users:write users:read accounts:manage') =>
      app.jwt.sign({
        token_use: 'client',
        sub: 'acme',
        client_id: 'acme',
        scope,
        exp: Math.floor(Date.now() / 1000) + 300,
      }),
    async close() {
      await app.close();
      await views.close();
    },
  };
}
