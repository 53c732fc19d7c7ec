/**
 * KYC: the signed-in user starts an identification here; the provider's
 * verdict comes back on a signed callback (kycCallback.ts), and the dev
 * provider's pages (kycDevPages.ts) stand in for a real provider. All three
 * take these options.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Envelope, example, KycStartData, ReadHeaders } from '@tessera/contracts';
import type { KycIdentificationView } from '@tessera/read-models/views';
import type { ViewCollection, ViewStore } from '@tessera/read-models';
import { success } from '../envelope.ts';
import type { IdentityClient } from '../identityClient.ts';
import { answers } from '../routeAnswers.ts';
import { commandSender } from './identityCommands.ts';

export interface KycRoutesOptions {
  identity: IdentityClient;
  identifications: ViewCollection<KycIdentificationView>;
  /** Where delivered callbacks are remembered (shared by every gateway), so each is accepted once. */
  store: ViewStore;
  webhookSecret: string;
  now?: () => number;
}

const startKycSchema = {
  tags: ['kyc'],
  operationId: 'startKyc',
  summary: 'Start an identification with the KYC provider: where to send the user, and the attempts used and left',
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
};

export const kycRoutes: FastifyPluginAsyncTypebox<KycRoutesOptions> = async (app, options) => {
  const send = commandSender(options.identity);

  app.get('/v1/kyc/start', { preHandler: app.requireUser(), schema: startKycSchema }, async (request, reply) => {
    void reply.header('cache-control', 'no-store');
    const { data } = await send(request, 'StartKyc', { userId: request.userClaims!.sub });
    return success(data);
  });
};
