export interface GatewayConfig {
  /** `iss` of every token this gateway signs and accepts. */
  issuer: string;
  accessTokenTtlSeconds: number;
  clientTokenTtlSeconds: number;
  bodyLimitBytes: number;
  /** How long a write waits for its read model before answering anyway. */
  readYourWritesTimeoutMs: number;
}

export const defaultGatewayConfig: GatewayConfig = {
  issuer: 'tessera',
  accessTokenTtlSeconds: 300,
  clientTokenTtlSeconds: 3600,
  bodyLimitBytes: 16 * 1024,
  readYourWritesTimeoutMs: 2000,
};
