/**
 * The embedded default's configuration, from the environment, validated at
 * start: every problem is reported at once, in words, before anything runs.
 */
import path from 'node:path';
import { readGatewaySettings, type GatewayConfig } from '@tessera/gateway';
import {
  readAuditCheckpointSettings,
  readIdentitySettings,
  type AuditCheckpointSettings,
  type IdentityConfig,
} from '@tessera/identity';
import { readSmsSettings, type SmsSettings } from '@tessera/notifier';
import { logLevels, readEnv, type Env } from '@tessera/runtime';

export interface EmbeddedConfig {
  port: number;
  host: string;
  dataDir: string;
  devClient?: { clientId: string; secret: string };
  passwordHashing: { memoryBytes: number; iterations: number };
  identity: IdentityConfig;
  /** The audit key's file (made on first start) and how often it signs a checkpoint of the log. */
  audit: AuditCheckpointSettings & { keyFile: string };
  gateway: GatewayConfig;
  smsBrand: string;
  sms: SmsSettings;
  /** Base URL providers call back (delivery reports); defaults to this server's own address. */
  publicBaseUrl?: string;
  /** The KYC provider's callback secret; unset: derived from the keyring (the dev provider signs with it). */
  kycWebhookSecret?: string;
  logLevel: string;
}

export { ConfigError } from '@tessera/runtime';

export function loadConfig(env: Env = process.env, cwd = process.cwd()): EmbeddedConfig {
  const read = readEnv(env);
  const port = read.integer('PORT', 3000, 0, 65535);
  const devClientId = read.optional('DEV_CLIENT_ID');
  const devClientSecret = env.DEV_CLIENT_SECRET;
  if (devClientId !== undefined && !/^[A-Za-z0-9._-]{3,64}$/.test(devClientId))
    read.problem('DEV_CLIENT_ID must be 3 to 64 letters, digits, dots, dashes or underscores');
  if (devClientSecret !== undefined && (devClientSecret.length < 16 || devClientSecret.length > 256))
    read.problem('DEV_CLIENT_SECRET must be 16 to 256 characters');
  if ((devClientId === undefined) !== (devClientSecret === undefined))
    read.problem('set DEV_CLIENT_ID and DEV_CLIENT_SECRET together, or neither');
  const dataDir = path.resolve(cwd, read.text('DATA_DIR', './data'));
  const config: EmbeddedConfig = {
    port,
    host: read.text('HOST', '127.0.0.1'),
    dataDir,
    ...(devClientId !== undefined && devClientSecret !== undefined
      ? { devClient: { clientId: devClientId, secret: devClientSecret } }
      : {}),
    ...readIdentitySettings(read),
    audit: {
      keyFile: path.resolve(cwd, read.text('AUDIT_KEY_FILE', path.join(dataDir, 'audit-key.json'))),
      ...readAuditCheckpointSettings(read),
    },
    gateway: readGatewaySettings(read),
    smsBrand: read.text('SMS_BRAND', 'Tessera'),
    sms: readSmsSettings(read),
    ...(read.optional('PUBLIC_BASE_URL') ? { publicBaseUrl: read.optional('PUBLIC_BASE_URL') } : {}),
    ...(read.optional('KYC_WEBHOOK_SECRET') ? { kycWebhookSecret: read.optional('KYC_WEBHOOK_SECRET') } : {}),
    logLevel: read.oneOf('LOG_LEVEL', 'info', logLevels),
  };
  read.done();
  return config;
}
