export interface RateLimitSettings {
  /** Requests one IP may make per window, on every route but health and metrics. */
  perIp: number;
  /** Requests one IP may make per window on each sensitive route (sign-up, login, codes, password reset, /oauth/token). */
  sensitivePerIp: number;
  ipWindowSeconds: number;
  /** Requests naming one email per window, over login, code, resend and forget-password together, from any IP. */
  perIdentifier: number;
  identifierWindowSeconds: number;
}

/**
 * Whose `X-Forwarded-For` is believed when deciding a request's IP: `false`
 * (the connection's peer is the client), or the addresses and CIDR ranges of
 * trusted proxies (a load balancer, partner backends that forward their
 * users' IPs). See ADR 13.
 */
export type TrustProxy = false | string[];

export interface GatewayConfig {
  /**
   * `iss` of every token this gateway signs and accepts: its public base URL (TOKEN_ISSUER, else PUBLIC_BASE_URL).
   * Unset: the address it listens on, for development.
   */
  issuer?: string;
  /** `aud` of every access token, which the gateway requires of the tokens it accepts (TOKEN_AUDIENCE). Unset: the issuer. */
  audience?: string;
  accessTokenTtlSeconds: number;
  clientTokenTtlSeconds: number;
  bodyLimitBytes: number;
  /** How long a request waits for identity's reply before a 503 (COMMAND_TIMEOUT_MS). */
  commandTimeoutMs: number;
  /** How long a write waits for its read model before answering anyway. */
  readYourWritesTimeoutMs: number;
  trustProxy: TrustProxy;
  rateLimits: RateLimitSettings;
  /** Answers that could tell whether an email has an account leave no sooner than this after the request arrived (0: off). */
  uniformAnswerMs: number;
  /** Whether to serve the development pages, such as /dev/passkeys (DEV_PAGES=true). */
  devPages: boolean;
}

export const defaultGatewayConfig: GatewayConfig = {
  accessTokenTtlSeconds: 300,
  clientTokenTtlSeconds: 3600,
  bodyLimitBytes: 16 * 1024,
  commandTimeoutMs: 5000,
  readYourWritesTimeoutMs: 2000,
  trustProxy: false,
  rateLimits: { perIp: 600, sensitivePerIp: 60, ipWindowSeconds: 60, perIdentifier: 20, identifierWindowSeconds: 900 },
  uniformAnswerMs: 250,
  devPages: false,
};
