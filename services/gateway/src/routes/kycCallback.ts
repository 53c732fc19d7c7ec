/**
 * The KYC provider's verdict, on a callback signed with KYC_WEBHOOK_SECRET:
 *   X-Tessera-Timestamp: <unix seconds>
 *   X-Tessera-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">
 * accepted within five minutes of its timestamp and only once. Unsigned,
 * stale or replayed callbacks are refused and change nothing.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ApiError, Envelope, example, KycCallbackBody, KycCallbackData, ReadHeaders } from '@tessera/contracts';
import type { FastifyRequest } from 'fastify';
import { success } from '../envelope.ts';
import { answers } from '../routeAnswers.ts';
import type { KycRoutesOptions } from './kyc.ts';

/** How far a callback's timestamp may be from now, either way. */
export const KYC_CALLBACK_WINDOW_SECONDS = 300;
export const KYC_CALLBACK_PATH = '/v1/kyc/callback';

export function signKycCallback(secret: string, timestamp: number, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
  }
}

/** The signature headers: checked by the route itself, so a missing or wrong one is 403, not a schema failure. */
const CallbackHeaders = Type.Object({
  'x-tessera-timestamp': Type.Optional(
    Type.String({
      description: 'Unix seconds when the provider signed; accepted within 5 minutes of now.',
      examples: ['1795684443'],
    }),
  ),
  'x-tessera-signature': Type.Optional(
    Type.String({
      description: '`sha256=` and the hex HMAC-SHA256, keyed with KYC_WEBHOOK_SECRET, of `<timestamp>.<raw body>`.',
      examples: ['sha256=9f2c4e6a8b0d1f3e5a7c9b1d3f5e7a9c1b3d5f7e9a1c3b5d7f9e1a3c5b7d9f1e'],
    }),
  ),
  'x-correlation-id': ReadHeaders.properties['x-correlation-id'],
});

const callbackSchema = {
  tags: ['kyc', 'webhooks'],
  operationId: 'receiveKycVerdict',
  summary:
    "The KYC provider's verdict, signed (X-Tessera-Timestamp, X-Tessera-Signature), accepted within 5 minutes and once",
  description:
    'Called by the KYC provider, not by API clients. The signature covers the body exactly as sent. A verdict counts once: the same verdict again changes nothing, a contrary one is refused (409), and a copy of a delivery already received is refused (409).',
  security: [],
  headers: CallbackHeaders,
  body: KycCallbackBody,
  response: {
    200: Envelope(KycCallbackData, {
      description: 'The verdict is recorded.',
      example: { identificationId: example.identificationId, kycStatus: 'APPROVED' },
    }),
    ...answers('webhook', {
      404: ['KYC_IDENTIFICATION_UNKNOWN', 'USER_NOT_FOUND'],
      409: ['WEBHOOK_REPLAYED', 'KYC_VERDICT_CONFLICT'],
    }),
  },
};

/** The signature of the request, once it is checked to be the provider's and recent; throws otherwise. */
function verifiedSignature(request: FastifyRequest, secret: string, nowSeconds: number): string {
  const timestampHeader = request.headers['x-tessera-timestamp'];
  const signature = request.headers['x-tessera-signature'];
  if (typeof signature !== 'string' || typeof timestampHeader !== 'string' || !/^\d{1,12}$/.test(timestampHeader))
    throw new ApiError('WEBHOOK_SIGNATURE_INVALID');
  const expected = Buffer.from(signKycCallback(secret, Number(timestampHeader), request.rawBody ?? ''));
  const presented = Buffer.from(signature);
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected))
    throw new ApiError('WEBHOOK_SIGNATURE_INVALID');
  if (Math.abs(nowSeconds - Number(timestampHeader)) > KYC_CALLBACK_WINDOW_SECONDS) throw new ApiError('WEBHOOK_STALE');
  return signature;
}

// The signature covers the body as sent, so this plugin keeps it as text before parsing.
export const kycCallbackRoutes: FastifyPluginAsyncTypebox<KycRoutesOptions> = async (app, options) => {
  const now = options.now ?? Date.now;
  const deliveries = options.store.collection<{ at: number }>('kyc_callback_deliveries');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    request.rawBody = body as string;
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(
        Object.assign(new Error('malformed JSON'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' }),
        undefined,
      );
    }
  });

  app.post(KYC_CALLBACK_PATH, { schema: callbackSchema }, async (request) => {
    const signature = verifiedSignature(request, options.webhookSecret, now() / 1000);
    const { identificationId, status, reason } = request.body;
    const identification = await options.identifications.get(identificationId);
    if (!identification) throw new ApiError('KYC_IDENTIFICATION_UNKNOWN');
    // Once per signed delivery: a copy within the window is a replay (after it, a stale one).
    const deliveryId = createHash('sha256').update(signature).digest('hex');
    if (!(await deliveries.upsert(deliveryId, { at: now() }, 1))) throw new ApiError('WEBHOOK_REPLAYED');
    const result = await options.identity.send({
      type: 'RecordKycVerdict',
      metadata: { correlationId: request.id, clientId: 'kyc-provider' },
      payload: { userId: identification.userId, identificationId, status, ...(reason ? { reason } : {}) },
    });
    if (!result.ok) {
      // Not recorded: the provider's retry of this same delivery must be able to go through.
      if (result.error === 'DEPENDENCY_UNAVAILABLE' || result.error === 'INTERNAL')
        await deliveries.delete(deliveryId, 1);
      throw new ApiError(result.error, result.retryAfterSeconds);
    }
    return success({ identificationId, kycStatus: status });
  });
};
