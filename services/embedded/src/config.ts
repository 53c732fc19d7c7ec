/**
 * The embedded default's configuration, from the environment, validated at
 * start: every problem is reported at once, in words, before anything runs.
 */
import path from 'node:path';
import { defaultGatewayConfig, type GatewayConfig } from '@tessera/gateway';
import { defaultIdentityConfig, type IdentityConfig } from '@tessera/identity';

export interface EmbeddedConfig {
  port: number;
  host: string;
  dataDir: string;
  devClient?: { clientId: string; secret: string };
  passwordHashing: { memoryBytes: number; iterations: number };
  identity: IdentityConfig;
  gateway: GatewayConfig;
  smsBrand: string;
  logLevel: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env, cwd = process.cwd()): EmbeddedConfig {
  const problems: string[] = [];
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw.slice(0, 40)}")`);
      return fallback;
    }
    return value;
  };
  const text = (name: string, fallback: string) => env[name]?.trim() || fallback;

  const port = integer('PORT', 3000, 0, 65535);
  const devClientId = env.DEV_CLIENT_ID?.trim();
  const devClientSecret = env.DEV_CLIENT_SECRET;
  if (devClientId !== undefined && !/^[A-Za-z0-9._-]{3,64}$/.test(devClientId)) problems.push('DEV_CLIENT_ID must be 3 to 64 letters, digits, dots, dashes or underscores');
  if (devClientSecret !== undefined && (devClientSecret.length < 16 || devClientSecret.length > 256)) problems.push('DEV_CLIENT_SECRET must be 16 to 256 characters');
  if ((devClientId === undefined) !== (devClientSecret === undefined)) problems.push('set DEV_CLIENT_ID and DEV_CLIENT_SECRET together, or neither');

  const memoryKib = integer('ARGON2_MEMORY_KIB', 19 * 1024, 8 * 1024, 4 * 1024 * 1024);
  const iterations = integer('ARGON2_ITERATIONS', 2, 1, 20);
  const roles = text('SIGNUP_ROLES', defaultIdentityConfig.allowedSignUpRoles.join(',')).split(',').map((role) => role.trim()).filter(Boolean);

  const identity: IdentityConfig = {
    ...defaultIdentityConfig,
    otpLength: integer('OTP_LENGTH', defaultIdentityConfig.otpLength, 4, 10),
    otpTtlSeconds: integer('OTP_TTL_SECONDS', defaultIdentityConfig.otpTtlSeconds, 30, 3600),
    otpMaxAttempts: integer('OTP_MAX_ATTEMPTS', defaultIdentityConfig.otpMaxAttempts, 1, 10),
    otpResendCooldownSeconds: integer('OTP_RESEND_COOLDOWN_SECONDS', defaultIdentityConfig.otpResendCooldownSeconds, 0, 3600),
    refreshTokenTtlSeconds: integer('REFRESH_TOKEN_TTL_SECONDS', defaultIdentityConfig.refreshTokenTtlSeconds, 60, 365 * 24 * 3600),
    allowedSignUpRoles: roles,
  };
  const gateway: GatewayConfig = {
    ...defaultGatewayConfig,
    accessTokenTtlSeconds: integer('ACCESS_TOKEN_TTL_SECONDS', defaultGatewayConfig.accessTokenTtlSeconds, 30, 24 * 3600),
    clientTokenTtlSeconds: integer('CLIENT_TOKEN_TTL_SECONDS', defaultGatewayConfig.clientTokenTtlSeconds, 30, 24 * 3600),
    issuer: text('TOKEN_ISSUER', defaultGatewayConfig.issuer),
  };
  const logLevel = text('LOG_LEVEL', 'info');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) problems.push('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent');
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    port,
    host: text('HOST', '127.0.0.1'),
    dataDir: path.resolve(cwd, text('DATA_DIR', './data')),
    ...(devClientId !== undefined && devClientSecret !== undefined ? { devClient: { clientId: devClientId, secret: devClientSecret } } : {}),
    passwordHashing: { memoryBytes: memoryKib * 1024, iterations },
    identity,
    gateway,
    smsBrand: text('SMS_BRAND', 'Tessera'),
    logLevel,
  };
}
