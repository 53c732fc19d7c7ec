/**
 * Recovery codes (ADR 29): a signed-in user generates ten single-use codes with
 * the password again or a step-up token for MANAGE_RECOVERY_CODES; each answers
 * one login or password-reset challenge instead of the SMS code (POST /v1/user/otp).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ApiError,
  Envelope,
  example,
  GenerateRecoveryCodesBody,
  RecoveryCodesData,
  WriteHeaders,
} from '@tessera/contracts';
import { createSendingChannel } from '@tessera/crypto';
import { success } from '../envelope.ts';
import { waitForUserView } from '../readYourWrites.ts';
import { answers } from '../routeAnswers.ts';
import type { AccountFlowOptions } from './accountFlow.ts';
import { commandSender } from './identityCommands.ts';
import { answersAreNotStored } from './noStore.ts';

const recoveryCodesExample = [
  'k7m2q-x9fh4',
  '3tg8w-n5rzc',
  'p0vd6-e2ky9',
  'hb4sx-7wq1m',
  'z8cj2-fr6tn',
  'a5xe9-m3vhp',
  '6nqz4-t0bgk',
  'wd1rf-8ys5e',
  'c9hm7-2kpxa',
  'q4tv0-g6zjw',
];

const generateRecoveryCodesSchema = {
  tags: ['user'],
  operationId: 'generateRecoveryCodes',
  summary: 'Generate 10 single-use recovery codes, shown once; any earlier codes stop working',
  description:
    "The fallback that needs no phone: each code answers one login or password-reset challenge instead of the SMS code (POST /v1/user/otp with `challengeType` RECOVERY_CODE), never a step-up. Proven with the password again (checked as login checks it: its lock and its count of wrong passwords) or with a `stepUpToken` for MANAGE_RECOVERY_CODES from POST /v1/user/step-up, of this user and this client, which this consumes. The codes are shown in this answer only: Tessera keeps their keyed hashes. The user's phone gets an SMS saying codes were generated. GET /v1/user/me shows how many are left.",
  security: [{ userAuth: [] }],
  headers: WriteHeaders,
  body: GenerateRecoveryCodesBody,
  response: {
    200: Envelope(RecoveryCodesData, {
      description: 'The new codes: store them somewhere safe, away from the phone.',
      example: { recoveryCodes: recoveryCodesExample, generatedAt: example.openedAt },
    }),
    ...answers('userWrite', {
      401: ['INVALID_CREDENTIALS', 'STEP_UP_SESSION_ENDED'],
      403: ['ACCOUNT_LOCKED', 'STEP_UP_TOKEN_INVALID', 'STEP_UP_TOKEN_EXPIRED', 'STEP_UP_TOKEN_REVOKED'],
      409: ['STEP_UP_TOKEN_ALREADY_USED'],
      422: ['STEP_UP_ACTION_MISMATCH'],
      429: ['LOGIN_TEMPORARILY_LOCKED'],
    }),
  },
};

export const recoveryCodeRoutes: FastifyPluginAsyncTypebox<AccountFlowOptions> = async (app, options) => {
  const send = commandSender(options.identity);
  const channel = createSendingChannel(options.commandPublicKey);
  answersAreNotStored(app);

  app.post(
    '/v1/user/recovery-codes',
    { config: { ...app.sensitiveRateLimit }, preHandler: app.requireUser(), schema: generateRecoveryCodesSchema },
    async (request) => {
      const claims = request.userClaims!;
      const body = request.body;
      // Counted with the login attempts naming the same account: the password is guessed here as there.
      await app.limitIdentifier(claims.sub);
      const proof =
        'password' in body
          ? { sealedSecrets: channel.seal({ password: body.password }) }
          : {
              stepUp: await verifiedStepUp(body.stepUpToken, claims.sub),
            };
      const { data, position } = await send(request, 'GenerateRecoveryCodes', {
        userId: claims.sub,
        familyId: claims.fam,
        ...proof,
      });
      // Answer once `me` counts the new codes.
      const wait = { timeoutMs: options.readYourWritesTimeoutMs, watch: options.projections, log: app.log };
      await waitForUserView(options.users, data.userId, position, wait);
      return success({ recoveryCodes: data.recoveryCodes, generatedAt: data.generatedAt });
    },
  );

  /** The token must be one this gateway signed, for the user of the user token; identity checks the rest. */
  async function verifiedStepUp(token: string, userId: string) {
    const claims = await options.stepUpTokens.verify(token);
    if (!claims || claims.sub !== userId) throw new ApiError('STEP_UP_TOKEN_INVALID');
    return { stepUpId: claims.sid, tokenId: claims.jti };
  }
};
