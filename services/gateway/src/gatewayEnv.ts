import type { EnvReader } from '@tessera/runtime';
import { defaultGatewayConfig, type GatewayConfig } from './gatewayConfig.ts';

/** The gateway's settings from the environment; the same variables in every mode. */
export function readGatewaySettings(read: EnvReader): GatewayConfig {
  return {
    ...defaultGatewayConfig,
    accessTokenTtlSeconds: read.integer('ACCESS_TOKEN_TTL_SECONDS', defaultGatewayConfig.accessTokenTtlSeconds, 30, 24 * 3600),
    clientTokenTtlSeconds: read.integer('CLIENT_TOKEN_TTL_SECONDS', defaultGatewayConfig.clientTokenTtlSeconds, 30, 24 * 3600),
    issuer: read.text('TOKEN_ISSUER', defaultGatewayConfig.issuer),
  };
}
