/**
 * With the dev KYC provider, this gateway also serves the identification
 * page, where the verdict is chosen and sent to the callback signed like a
 * real provider's. Hidden from the OpenAPI document.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { KYC_CALLBACK_PATH, signKycCallback } from './kycCallback.ts';
import type { KycRoutesOptions } from './kyc.ts';

const page = (body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Identification (development)</title></head><body style="font-family:sans-serif;max-width:32rem;margin:3rem auto">${body}</body></html>`;
const DevParams = Type.Object({
  identificationId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' }),
});
const VerdictForm = Type.Object({
  status: Type.Union([Type.Literal('APPROVED'), Type.Literal('REJECTED')]),
  reason: Type.Optional(Type.String({ maxLength: 200 })),
});

function identificationPage(identificationId: string): string {
  const form = (status: string, label: string) =>
    `<form method="post" action="/dev/kyc/${identificationId}"><input type="hidden" name="status" value="${status}">${status === 'REJECTED' ? '<input name="reason" placeholder="reason" maxlength="200"> ' : ''}<button>${label}</button></form>`;
  return page(
    `<h1>Identification ${identificationId}</h1><p>A development stand-in for the KYC provider: choose the verdict.</p>${form('APPROVED', 'Approve')}<br>${form('REJECTED', 'Reject')}`,
  );
}

export const kycDevPageRoutes: FastifyPluginAsyncTypebox<KycRoutesOptions> = async (app, options) => {
  const now = options.now ?? Date.now;

  app.get('/dev/kyc/:identificationId', { schema: { hide: true, params: DevParams } }, async (request, reply) =>
    reply.type('text/html; charset=utf-8').send(identificationPage(request.params.identificationId)),
  );

  app.post(
    '/dev/kyc/:identificationId',
    { schema: { hide: true, params: DevParams, body: VerdictForm } },
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
        url: KYC_CALLBACK_PATH,
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
