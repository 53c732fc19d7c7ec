/**
 * pino for every service, redacting secrets and personal data by key wherever
 * they sit, so a careless `log.info({ body })` still leaks nothing.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

const SENSITIVE_KEYS = [
  'password',
  'passwordConfirm',
  'passwordHash',
  'code',
  'otp',
  'refreshToken',
  'accessToken',
  'access_token',
  'client_secret',
  'clientSecret',
  'secret',
  'secretHash',
  'authorization',
  'Authorization',
  'cookie',
  'sealedSecrets',
  'sealedDelivery',
  'codeHash',
  'refreshTokenHash',
  'email',
  'username',
  'phoneNumber',
  'to',
];

/** Paths pino's redaction understands: the key at the top level and up to three levels down. */
const redactPaths = SENSITIVE_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]);

export interface LoggerOptions {
  level?: string;
  /** Where lines go; stdout by default. Tests pass a stream to inspect what was logged. */
  destination?: DestinationStream;
}

export function createLogger(service: string, options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: service,
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      redact: { paths: redactPaths, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
