/**
 * Plivo's delivery reports (status callbacks): verified against Plivo's
 * signature, then handed to the notifier, which matches them to the dispatch
 * and records them in the user's stream. A forged report changes nothing.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ApiError, Envelope, ReadHeaders } from '@tessera/contracts';
import { verifyPlivoSignature } from '@tessera/sms';
import { success } from '../envelope.ts';
import { answers } from '../routeAnswers.ts';

export interface PlivoWebhookOptions {
  /** Auth tokens of the Plivo accounts that may call (primary and failover). */
  authTokens: string[];
  /** The public base URL Plivo calls (the signature covers the full URL). */
  publicBaseUrl: string;
  publish: (report: { providerMessageId: string; status: string; errorCode?: string }) => Promise<void>;
}

const StatusCallback = Type.Object(
  {
    MessageUUID: Type.String({ minLength: 1, maxLength: 64 }),
    Status: Type.String({ minLength: 1, maxLength: 32 }),
    ErrorCode: Type.Optional(Type.String({ maxLength: 16 })),
  },
  { additionalProperties: Type.String({ maxLength: 512 }) },
);

export const plivoWebhookRoutes: FastifyPluginAsyncTypebox<PlivoWebhookOptions> = async (app, options) => {
  const path = '/v1/webhooks/plivo/status';
  app.post(
    path,
    {
      schema: {
        tags: ['webhooks'],
        operationId: 'receivePlivoDeliveryReport',
        summary: 'Plivo SMS delivery report (signed with X-Plivo-Signature-V3)',
        description:
          "Called by Plivo, not by API clients: the delivery status of an SMS, recorded in the user's event stream. A report whose signature does not verify changes nothing.",
        security: [],
        consumes: ['application/x-www-form-urlencoded'],
        headers: ReadHeaders,
        body: StatusCallback,
        response: {
          200: Envelope(Type.Object({ accepted: Type.Literal(true) }), {
            description: 'Accepted.',
            example: { accepted: true },
          }),
          ...answers('webhook'),
        },
      },
    },
    async (request) => {
      const header = (name: string) => {
        const value = request.headers[name];
        return typeof value === 'string' ? value : undefined;
      };
      const url = `${options.publicBaseUrl.replace(/\/$/, '')}${request.url}`;
      const params = Object.fromEntries(Object.entries(request.body).map(([key, value]) => [key, String(value)]));
      const signed = options.authTokens.some((authToken) =>
        verifyPlivoSignature({
          method: 'POST',
          url,
          params,
          nonce: header('x-plivo-signature-v3-nonce'),
          signature: header('x-plivo-signature-v3'),
          authToken,
        }),
      );
      if (!signed) throw new ApiError('WEBHOOK_SIGNATURE_INVALID');
      const { MessageUUID, Status, ErrorCode } = request.body;
      await options.publish({
        providerMessageId: MessageUUID,
        status: Status,
        ...(ErrorCode && ErrorCode !== '0' ? { errorCode: ErrorCode } : {}),
      });
      return success({ accepted: true as const });
    },
  );
};
