/**
 * One error shape for every way an SMS hand-off can fail, so retry and
 * failover decide on `kind` alone. Provider SDKs put the request body (the
 * number and the one-time code) into their errors; nothing of theirs is kept
 * here but the status and a system error code.
 */

/** `retryable`: the same request may succeed later; `permanent`: it never will. */
export type SmsFailureKind = 'retryable' | 'permanent';

/** A classified delivery failure; its message names only the provider, status and code. */
export class SmsDeliveryError extends Error {
  override name = 'SmsDeliveryError';
  readonly kind: SmsFailureKind;
  /** The provider's HTTP status, when it answered. */
  readonly status?: number;
  /** A system error code such as `ECONNREFUSED` or `ETIMEDOUT`, when there was no answer. */
  readonly code?: string;
  readonly provider: string;

  /** `reason` must come from a fixed vocabulary, never from the provider's text. */
  constructor(init: { kind: SmsFailureKind; provider: string; reason: string; status?: number; code?: string }) {
    const details = [init.status === undefined ? undefined : `HTTP ${init.status}`, init.code]
      .filter(Boolean)
      .join(', ');
    super(`${init.provider} SMS delivery failed (${init.kind}): ${init.reason}${details ? ` [${details}]` : ''}`);
    this.kind = init.kind;
    this.provider = init.provider;
    if (init.status !== undefined) this.status = init.status;
    if (init.code !== undefined) this.code = init.code;
  }
}

const statusReasons: Record<number, string> = {
  400: 'invalid request',
  401: 'authentication failed',
  403: 'forbidden (e.g. geo permissions)',
  404: 'not found',
  422: 'unprocessable request',
  429: 'rate limited',
};

const connectionCodes = [
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
];
const timeoutCodes = ['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT'];

/**
 * Normalises whatever a provider call rejected with. The plivo SDK rejects
 * with an Error carrying `.status` for the statuses it maps (400, 401, 403,
 * 404, 405, 406, 409, 422, 500 and any 5xx with a non-JSON body), a plain
 * Error reading "Request failed with status code N" for the others (429,
 * 502, 503, 504), and the stack trace as a string when no answer came back
 * (timeouts, refused or reset connections). 5xx, 429, timeouts, connection
 * failures and unknown shapes are retryable; other 4xx are permanent.
 */
export function classifySmsFailure(error: unknown, provider: string): SmsDeliveryError {
  if (error instanceof SmsDeliveryError) return error;
  const status = statusOf(error);
  if (status !== undefined) {
    const permanent = status >= 400 && status < 500 && status !== 408 && status !== 429;
    const reason = statusReasons[status] ?? (status >= 500 ? 'provider error' : 'unexpected status');
    return new SmsDeliveryError({ kind: permanent ? 'permanent' : 'retryable', provider, reason, status });
  }
  const code = codeOf(error);
  if (code && timeoutCodes.includes(code))
    return new SmsDeliveryError({ kind: 'retryable', provider, reason: 'timed out', code });
  if (code) return new SmsDeliveryError({ kind: 'retryable', provider, reason: 'connection failed', code });
  return new SmsDeliveryError({ kind: 'retryable', provider, reason: 'unrecognised failure' });
}

function statusOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null) {
    const record = error as { status?: unknown; response?: { status?: unknown } };
    for (const candidate of [record.status, record.response?.status]) {
      if (isHttpStatus(candidate)) return candidate;
    }
  }
  // Anchored so that an echoed body can never pass for the status line.
  const match = /^(?:AxiosError: )?Request failed with status code (\d{3})\b/.exec(firstLine(error));
  const parsed = Number(match?.[1]);
  return isHttpStatus(parsed) ? parsed : undefined;
}

function isHttpStatus(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 100 && value < 600;
}

function codeOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && [...connectionCodes, ...timeoutCodes].includes(code)) return code;
  }
  const line = firstLine(error);
  const named = [...timeoutCodes, ...connectionCodes].find((candidate) => new RegExp(`\\b${candidate}\\b`).test(line));
  if (named) return named;
  if (/\btime(?:d ?)?out\b/i.test(line)) return 'ETIMEDOUT';
  if (/socket hang up/i.test(line)) return 'ECONNRESET';
  return undefined;
}

/** Only the first line: the SDK appends response bodies after the stack. */
function firstLine(error: unknown): string {
  let text = '';
  if (typeof error === 'string') text = error;
  else if (error instanceof Error) text = error.message;
  return text.split('\n', 1)[0] ?? '';
}
