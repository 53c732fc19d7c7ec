import { isIP } from 'node:net';
import type { EnvReader } from '@tessera/runtime';
import { issuerProblem, normalisedIssuer } from './tokenIssuer.ts';
import { defaultGatewayConfig, type GatewayConfig, type RateLimitSettings, type TrustProxy } from './gatewayConfig.ts';

/** The gateway's settings from the environment; the same variables in every mode. */
export function readGatewaySettings(read: EnvReader): GatewayConfig {
  return {
    ...defaultGatewayConfig,
    accessTokenTtlSeconds: read.integer(
      'ACCESS_TOKEN_TTL_SECONDS',
      defaultGatewayConfig.accessTokenTtlSeconds,
      30,
      24 * 3600,
    ),
    clientTokenTtlSeconds: read.integer(
      'CLIENT_TOKEN_TTL_SECONDS',
      defaultGatewayConfig.clientTokenTtlSeconds,
      30,
      24 * 3600,
    ),
    ...readTokenNames(read),
    commandTimeoutMs: read.integer('COMMAND_TIMEOUT_MS', defaultGatewayConfig.commandTimeoutMs, 100, 60_000),
    trustProxy: readTrustProxy(read),
    rateLimits: readRateLimits(read),
    uniformAnswerMs: read.integer('UNIFORM_ANSWER_MS', defaultGatewayConfig.uniformAnswerMs, 0, 5000),
    devPages: read.oneOf('DEV_PAGES', 'false', ['true', 'false'] as const) === 'true',
  };
}

/** Unset, the issuer is the listening address and the audience the issuer (tokenIssuer.ts). */
function readTokenNames(read: EnvReader): Pick<GatewayConfig, 'issuer' | 'audience'> {
  const configured = read.optional('TOKEN_ISSUER');
  const name = configured === undefined ? 'PUBLIC_BASE_URL' : 'TOKEN_ISSUER';
  const value = configured ?? read.optional('PUBLIC_BASE_URL');
  const problem = value === undefined ? undefined : issuerProblem(value);
  if (problem) read.problem(`${name} ${problem}: tokens name it as their issuer (for example https://api.example.com)`);
  const audience = read.optional('TOKEN_AUDIENCE');
  if (audience !== undefined && !/^[\x21-\x7e]{1,200}$/.test(audience))
    read.problem(
      'TOKEN_AUDIENCE must be 1 to 200 printable ASCII characters without spaces (for example https://api.example.com)',
    );
  return {
    ...(value !== undefined && !problem ? { issuer: normalisedIssuer(value) } : {}),
    ...(audience !== undefined ? { audience } : {}),
  };
}

function readRateLimits(read: EnvReader): RateLimitSettings {
  const defaults = defaultGatewayConfig.rateLimits;
  return {
    perIp: read.integer('RATE_LIMIT_PER_IP', defaults.perIp, 1, 1_000_000),
    sensitivePerIp: read.integer('RATE_LIMIT_SENSITIVE_PER_IP', defaults.sensitivePerIp, 1, 1_000_000),
    ipWindowSeconds: read.integer('RATE_LIMIT_IP_WINDOW_SECONDS', defaults.ipWindowSeconds, 1, 24 * 3600),
    perIdentifier: read.integer('RATE_LIMIT_PER_IDENTIFIER', defaults.perIdentifier, 1, 1_000_000),
    identifierWindowSeconds: read.integer(
      'RATE_LIMIT_IDENTIFIER_WINDOW_SECONDS',
      defaults.identifierWindowSeconds,
      1,
      24 * 3600,
    ),
  };
}

/** The names proxy-addr (Fastify's trustProxy) knows for reserved ranges. */
const RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function readTrustProxy(read: EnvReader): TrustProxy {
  const value = read.optional('TRUST_PROXY');
  if (value === undefined || value === 'false') return false;
  if (value === 'true') {
    // Trusting every hop lets any caller choose its IP by sending X-Forwarded-For, and so a fresh per-IP budget per request.
    read.problem(
      `TRUST_PROXY=true would let any caller pick its own IP with X-Forwarded-For: list the proxies' addresses or CIDR ranges`,
    );
    return false;
  }
  if (/^\d+$/.test(value)) {
    // Fastify 5 trusts nobody for a bare hop count, since it cannot tell a proxy from a client that sends enough hops.
    read.problem(`TRUST_PROXY takes the proxies' addresses or CIDR ranges, not a hop count`);
    return false;
  }
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const invalid = entries.filter((entry) => !isProxyAddress(entry));
  if (invalid.length > 0)
    read.problem(
      `TRUST_PROXY must be false, or addresses and CIDR ranges separated by commas (not "${invalid[0]!.slice(0, 40)}")`,
    );
  return invalid.length > 0 ? false : entries;
}

function isProxyAddress(entry: string): boolean {
  if (RANGE_NAMES.includes(entry)) return true;
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}
