/**
 * The Plivo adapter: one `messages.create` call per SMS through the official
 * SDK. It does not retry (wrap it with `withRetries`) and cannot look a
 * message up by our reference, so a crash between Plivo accepting a message
 * and the caller recording it leads to at most one duplicate SMS on redelivery.
 */
import plivo from 'plivo';
import { classifySmsFailure, SmsDeliveryError } from './smsErrors.ts';
import type { SmsSender } from './smsSender.ts';

/** The provider name carried by errors (and by failover receipts, by convention). */
export const PLIVO_PROVIDER = 'plivo';

export interface PlivoSmsOptions {
  authId: string;
  authToken: string;
  /** A sender number or alphanumeric id, or a Powerpack that picks one per destination. */
  source: { src: string } | { powerpackUuid: string };
  /**
   * The account's API base, without a trailing slash: Plivo's own
   * (`https://api.plivo.com/v1/Account/<authId>`) by default. Set from
   * PLIVO_API_URL for a regional endpoint or a local fake.
   */
  apiUrl?: string;
  /** How long one request may take before it counts as a (retryable) timeout; 10 s by default. */
  timeoutMs?: number;
  /** Where Plivo POSTs delivery reports; check them with `verifyPlivoSignature`. */
  statusCallbackUrl?: string;
}

/** Plivo's account API base for an auth id. */
export function plivoApiUrl(authId: string): string {
  return `https://api.plivo.com/v1/Account/${encodeURIComponent(authId)}`;
}

/** An SMS sender backed by Plivo's Message API; failures are thrown as `SmsDeliveryError`. */
export function createPlivoSms(options: PlivoSmsOptions): SmsSender {
  if (!options.authId || !options.authToken) throw new Error('Plivo needs an auth id and an auth token');
  const src = 'src' in options.source ? options.source.src : undefined;
  const powerpackUuid = 'powerpackUuid' in options.source ? options.source.powerpackUuid : undefined;
  // The SDK refuses both or neither on every send; better to fail at start-up.
  if (!src === !powerpackUuid) throw new Error('Plivo needs exactly one of a source number or a Powerpack UUID');
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!(timeoutMs > 0)) throw new Error('Plivo timeoutMs must be positive');
  // The SDK requests `${url}/Message/`, so a trailing slash would double up.
  const url = (options.apiUrl ?? plivoApiUrl(options.authId)).replace(/\/+$/, '');
  const client = new plivo.Client(options.authId, options.authToken, { url, timeout: timeoutMs });
  const callback = options.statusCallbackUrl ? { url: options.statusCallbackUrl, method: 'POST' } : {};

  return {
    async send(message) {
      // The SDK would reject an empty number with a plain Error, which reads as retryable.
      if (!message.to)
        throw new SmsDeliveryError({ kind: 'permanent', provider: PLIVO_PROVIDER, reason: 'no destination number' });
      let response: { messageUuid?: unknown };
      try {
        // The SDK mutates the options object it is given (it adds src, dst and text).
        response = await client.messages.create(src ?? null, message.to, message.text, { ...callback }, powerpackUuid);
      } catch (error) {
        throw classifySmsFailure(error, PLIVO_PROVIDER);
      }
      const id = Array.isArray(response.messageUuid) ? (response.messageUuid[0] as unknown) : undefined;
      if (typeof id !== 'string' || id === '') {
        throw new SmsDeliveryError({
          kind: 'retryable',
          provider: PLIVO_PROVIDER,
          reason: 'accepted without a message id',
        });
      }
      return { providerMessageId: id };
    },
  };
}
