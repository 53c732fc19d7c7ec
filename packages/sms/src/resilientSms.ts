/**
 * Decorators behind the SMS port: retries with backoff for one provider, and
 * failover across providers. Both decide on `SmsDeliveryError.kind` only:
 * a permanent failure (an invalid number, refused credentials) would fail
 * the same way on every attempt and every provider, so it is thrown at once.
 *
 * A timeout is retried although the provider may have accepted the message
 * before it: the user may then get the same text twice, which is preferred
 * to getting no code at all.
 */
import { classifySmsFailure, SmsDeliveryError } from './smsErrors.ts';
import type { SmsSender } from './smsSender.ts';

export interface RetryOptions {
  /** Total tries, the first included; 4 by default. */
  attempts?: number;
  /** The backoff ceiling before the first retry, doubled for each next one; 200 ms by default. */
  baseDelayMs?: number;
  /** The largest backoff ceiling; 5000 ms by default. */
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1); `Math.random` by default. */
  random?: () => number;
  /** Called before each wait; `attempt` is the 1-based try that just failed. */
  onRetry?: (info: { attempt: number; delayMs: number; error: SmsDeliveryError }) => void;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Retries retryable failures with exponential backoff and full jitter (a
 * uniform wait below the ceiling, so that many senders do not retry in step).
 * Throws a permanent failure at once, and the last retryable one once the
 * attempts are spent. `findByReference` is passed through untouched.
 */
export function withRetries(sender: SmsSender, options: RetryOptions = {}): SmsSender {
  const attempts = options.attempts ?? 4;
  const baseDelayMs = options.baseDelayMs ?? 200;
  const maxDelayMs = options.maxDelayMs ?? 5000;
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError('attempts must be a positive integer');
  if (!(baseDelayMs >= 0 && maxDelayMs >= 0)) throw new RangeError('delays must not be negative');
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;

  const retrying: SmsSender = {
    async send(message) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await sender.send(message);
        } catch (caught) {
          const error = classifySmsFailure(caught, 'unknown');
          if (error.kind === 'permanent' || attempt >= attempts) throw error;
          const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
          const delayMs = Math.floor(random() * ceiling);
          options.onRetry?.({ attempt, delayMs, error });
          await sleep(delayMs);
        }
      }
    },
  };
  if (sender.findByReference) retrying.findByReference = sender.findByReference.bind(sender);
  return retrying;
}

/** One provider in a failover chain; `name` prefixes its receipts (`plivo:<id>`). */
export interface NamedSmsSender {
  name: string;
  sender: SmsSender;
}

export interface FailoverOptions {
  /** Called when a provider is given up for the next one. */
  onFailover?: (info: { from: string; to: string; error: SmsDeliveryError }) => void;
}

/**
 * Sends through the first provider and moves to the next only on a retryable
 * failure, which for a sender wrapped `withRetries` means its retries are
 * spent. Receipts name the provider that took the message (`<name>:<id>`) so
 * that delivery reports can be matched to it. A timeout on one provider may
 * mean it did send, and the next one sends again: at most one duplicate per
 * provider in the chain.
 */
export function createFailoverSms(senders: NamedSmsSender[], options: FailoverOptions = {}): SmsSender {
  if (senders.length === 0) throw new RangeError('failover needs at least one sender');
  const names = new Set(senders.map(({ name }) => name));
  if (names.size !== senders.length || [...names].some((name) => !name || name.includes(':'))) {
    throw new RangeError('sender names must be distinct, non-empty and free of ":"');
  }
  const lookups = senders.filter(({ sender }) => sender.findByReference);

  const failover: SmsSender = {
    async send(message) {
      for (const [index, { name, sender }] of senders.entries()) {
        try {
          const receipt = await sender.send(message);
          return { providerMessageId: `${name}:${receipt.providerMessageId}` };
        } catch (caught) {
          const error = classifySmsFailure(caught, name);
          const next = senders[index + 1];
          if (error.kind === 'permanent' || !next) throw error;
          options.onFailover?.({ from: name, to: next.name, error });
        }
      }
      throw new SmsDeliveryError({ kind: 'retryable', provider: 'failover', reason: 'no provider' });
    },
  };
  // Left out when no provider can look up, as the port asks.
  if (lookups.length > 0) {
    failover.findByReference = async (reference) => {
      for (const { name, sender } of lookups) {
        const receipt = await sender.findByReference?.(reference);
        if (receipt) return { providerMessageId: `${name}:${receipt.providerMessageId}` };
      }
      return undefined;
    };
  }
  return failover;
}
