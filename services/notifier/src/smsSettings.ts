/**
 * Which SMS provider sends: Plivo when its credentials are set (with an
 * optional second Plivo account or region to fail over to), else the
 * development outbox. Every provider gets bounded retries with backoff.
 */
import type { Logger } from '@tessera/logging';
import type { EnvReader } from '@tessera/runtime';
import { createDevOutboxSms, createFailoverSms, createPlivoSms, withRetries, type SmsSender } from '@tessera/sms';

export interface PlivoAccount {
  authId: string;
  authToken: string;
  source: { src: string } | { powerpackUuid: string };
  apiUrl?: string;
}

export interface SmsSettings {
  /** Empty: the development outbox. */
  plivo: PlivoAccount[];
  retry: { attempts: number; baseDelayMs: number; maxDelayMs: number };
  statusCallbackUrl?: string;
}

function readPlivoAccount(read: EnvReader, prefix: string): PlivoAccount | undefined {
  const authId = read.optional(`${prefix}AUTH_ID`);
  const authToken = read.optional(`${prefix}AUTH_TOKEN`);
  if (!authId && !authToken) return undefined;
  if (!authId || !authToken) {
    read.problem(`set ${prefix}AUTH_ID and ${prefix}AUTH_TOKEN together`);
    return undefined;
  }
  const src = read.optional(`${prefix}SRC`);
  const powerpackUuid = read.optional(`${prefix}POWERPACK_UUID`);
  if (!src && !powerpackUuid)
    read.problem(`${prefix}SRC (a sender number or id) or ${prefix}POWERPACK_UUID is required with ${prefix}AUTH_ID`);
  const apiUrl = read.optional(`${prefix}API_URL`);
  return {
    authId,
    authToken,
    source: powerpackUuid ? { powerpackUuid } : { src: src ?? '' },
    ...(apiUrl ? { apiUrl } : {}),
  };
}

export function readSmsSettings(read: EnvReader): SmsSettings {
  const primary = readPlivoAccount(read, 'PLIVO_');
  const fallback = readPlivoAccount(read, 'PLIVO_FALLBACK_');
  if (fallback && !primary) read.problem('PLIVO_FALLBACK_* needs a primary PLIVO_AUTH_ID');
  const statusCallbackUrl = read.optional('PLIVO_STATUS_CALLBACK_URL');
  return {
    plivo: [primary, fallback].filter((account): account is PlivoAccount => account !== undefined),
    retry: {
      attempts: read.integer('SMS_RETRY_ATTEMPTS', 4, 1, 20),
      baseDelayMs: read.integer('SMS_RETRY_BASE_DELAY_MS', 200, 1, 60_000),
      maxDelayMs: read.integer('SMS_RETRY_MAX_DELAY_MS', 5000, 1, 600_000),
    },
    ...(statusCallbackUrl ? { statusCallbackUrl } : {}),
  };
}

export function createSmsSender(
  settings: SmsSettings,
  options: { dataDir: string; logger: Logger; print?: ((line: string) => void) | null },
): SmsSender {
  const retrying = (name: string, sender: SmsSender) =>
    withRetries(sender, {
      ...settings.retry,
      onRetry: ({ attempt, delayMs, error }) =>
        options.logger.warn(
          { provider: name, attempt, retryInMs: delayMs, httpStatus: error.status },
          'sms provider failed, retrying',
        ),
    });
  if (settings.plivo.length === 0) {
    const outbox = createDevOutboxSms({
      dataDir: options.dataDir,
      ...(options.print === undefined ? {} : { print: options.print }),
    });
    return createFailoverSms([{ name: 'dev-outbox', sender: retrying('dev-outbox', outbox) }]);
  }
  return createFailoverSms(
    settings.plivo.map((account, index) => ({
      name: index === 0 ? 'plivo' : 'plivo-fallback',
      sender: retrying(
        index === 0 ? 'plivo' : 'plivo-fallback',
        createPlivoSms({
          ...account,
          ...(settings.statusCallbackUrl ? { statusCallbackUrl: settings.statusCallbackUrl } : {}),
        }),
      ),
    })),
    {
      onFailover: ({ from, to }) =>
        options.logger.warn({ from, to }, 'sms provider down past its retries: failing over'),
    },
  );
}
