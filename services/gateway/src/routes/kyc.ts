/**
 * KYC: the signed-in user starts an identification; the provider's verdict
 * comes back on a callback signed with KYC_WEBHOOK_SECRET:
 *   X-Tessera-Timestamp: <unix seconds>
 *   X-Tessera-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">
 * accepted within five minutes of its timestamp and only once. Unsigned,
 * stale or replayed callbacks are refused and change nothing. With the dev
 * provider, this gateway also serves the identification page, where the
 * verdict is chosen and sent to the callback signed like a real provider's.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  ApiError,
  Envelope,
  example,
  KycCallbackBody,
  KycCallbackData,
  KycStartData,
  ReadHeaders,
  type CommandReplies,
} from '@tessera/contracts';
import type { KycIdentificationView } from '@tessera/read-models/views';
import type { ViewCollection, ViewStore } from '@tessera/read-models';
import { success } from '../envelope.ts';
import type { IdentityClient } from '../identityClient.ts';
import { answers } from '../routeAnswers.ts';

export interface KycRoutesOptions {
  identity: IdentityClient;
  identifications: ViewCollection<KycIdentificationView>;
  /** Where delivered callbacks are remembered (shared by every gateway), so each is accepted once. */
  store: ViewStore;
  webhookSecret: string;
  /** Serve the dev provider's identification pages (`/dev/kyc/<id>`). */
  devPages: boolean;
  now?: () => number;
}

/** How far a callback's timestamp may be from now, either way. */
export const KYC_CALLBACK_WINDOW_SECONDS = 300;
const CALLBACK_PATH = '/v1/kyc/callback';

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

export const kycRoutes: FastifyPluginAsyncTypebox<KycRoutesOptions> = async (app, options) => {
  const now = options.now ?? Date.now;
  const deliveries = options.store.collection<{ at: number }>('kyc_callback_deliveries');

  app.get(
    '/v1/kyc/start',
    {
      preHandler: app.requireUser(),
      schema: {
        tags: ['kyc'],
        operationId: 'startKyc',
        summary:
          'Start an identification with the KYC provider: where to send the user, and the attempts used and left',
        description:
          "Asks the KYC provider for a new identification of the signed-in user and answers where to send them. The provider's verdict comes back on POST /v1/kyc/callback; an approval validates every account of the user. At most 3 identifications per user.",
        security: [{ userAuth: [] }],
        headers: ReadHeaders,
        response: {
          200: Envelope(KycStartData, {
            description: 'Send the user to `identificationUrl`.',
            example: {
              identificationId: example.identificationId,
              identificationUrl: `http://127.0.0.1:3000/dev/kyc/${example.identificationId}`,
              numberOfAttempts: 1,
              attemptsLeft: 2,
            },
          }),
          ...answers('userRead', {
            403: ['KYC_ATTEMPTS_EXHAUSTED'],
            404: ['USER_NOT_FOUND'],
            409: ['KYC_ALREADY_APPROVED'],
            503: ['DEPENDENCY_UNAVAILABLE'],
          }),
        },
      },
    },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      const claims = request.userClaims!;
      const result = await options.identity.send({
        type: 'StartKyc',
        metadata: { correlationId: request.id, clientId: claims.client_id },
        payload: { userId: claims.sub },
      });
      if (!result.ok) throw new ApiError(result.error, result.retryAfterSeconds);
      return success(result.data as CommandReplies['StartKyc']);
    },
  );

  // The signature covers the body as sent, so this route keeps it as text before parsing.
  await app.register(async (plugin) => {
    const callback = plugin.withTypeProvider<TypeBoxTypeProvider>();
    callback.removeContentTypeParser('application/json');
    callback.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
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
    callback.post(
      CALLBACK_PATH,
      {
        schema: {
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
        },
      },
      async (request) => {
        const timestampHeader = request.headers['x-tessera-timestamp'];
        const signature = request.headers['x-tessera-signature'];
        if (typeof signature !== 'string' || typeof timestampHeader !== 'string' || !/^\d{1,12}$/.test(timestampHeader))
          throw new ApiError('WEBHOOK_SIGNATURE_INVALID');
        const expected = Buffer.from(
          signKycCallback(options.webhookSecret, Number(timestampHeader), request.rawBody ?? ''),
        );
        const presented = Buffer.from(signature);
        if (presented.length !== expected.length || !timingSafeEqual(presented, expected))
          throw new ApiError('WEBHOOK_SIGNATURE_INVALID');
        if (Math.abs(now() / 1000 - Number(timestampHeader)) > KYC_CALLBACK_WINDOW_SECONDS)
          throw new ApiError('WEBHOOK_STALE');
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
      },
    );
  });

  if (!options.devPages) return;
  const page = (body: string) =>
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Identification (development)</title></head><body style="font-family:sans-serif;max-width:32rem;margin:3rem auto">${body}</body></html>`;
  const DevParams = Type.Object({
    identificationId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' }),
  });
  app.get('/dev/kyc/:identificationId', { schema: { hide: true, params: DevParams } }, async (request, reply) => {
    const { identificationId } = request.params;
    const form = (status: string, label: string) =>
      `<form method="post" action="/dev/kyc/${identificationId}"><input type="hidden" name="status" value="${status}">${status === 'REJECTED' ? '<input name="reason" placeholder="reason" maxlength="200"> ' : ''}<button>${label}</button></form>`;
    return reply
      .type('text/html; charset=utf-8')
      .send(
        page(
          `<h1>Identification ${identificationId}</h1><p>A development stand-in for the KYC provider: choose the verdict.</p>${form('APPROVED', 'Approve')}<br>${form('REJECTED', 'Reject')}`,
        ),
      );
  });
  app.post(
    '/dev/kyc/:identificationId',
    {
      schema: {
        hide: true,
        params: DevParams,
        body: Type.Object({
          status: Type.Union([Type.Literal('APPROVED'), Type.Literal('REJECTED')]),
          reason: Type.Optional(Type.String({ maxLength: 200 })),
        }),
      },
    },
    async (request, reply) => {
      const { identificationId } = request.params;
      const body = JSON.stringify({
        identificationId,
        status: request.body.status,
        ...(request.body.reason ? { reason: request.body.reason } : {}),
      });
      const timestamp = Math.floor(now() / 1000);
      const answer = await app.inject({
        method: 'POST',
        url: CALLBACK_PATH,
        payload: body,
        headers: {
          'content-type': 'application/json',
          'x-tessera-timestamp': String(timestamp),
          'x-tessera-signature': signKycCallback(options.webhookSecret, timestamp, body),
        },
      });
      const outcome =
        answer.statusCode === 200
          ? `Verdict ${request.body.status} recorded.`
          : `The callback answered ${answer.statusCode}.`;
      return reply
        .type('text/html; charset=utf-8')
        .send(page(`<h1>Identification ${identificationId}</h1><p>${outcome}</p>`));
    },
  );
};
