/**
 * Step-up with dynamic linking (ADR 26): a signed-in user confirms one action
 * and its transaction with the password and an SMS code that states them, or
 * a passkey whose challenge binds them (`POST /v1/user/step-up`, then `POST /v1/user/otp`); the payment service of
 * the same API client consumes the step-up token once (`POST /v1/step-up/consume`).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ApiError,
  ConsumeStepUpBody,
  Envelope,
  example,
  passkeyRequestOptionsExample,
  type PasskeyRequestOptions,
  scopes,
  StepUpBody,
  StepUpChallengeData,
  StepUpConsumedData,
  type StepUpTransaction,
  WriteHeaders,
} from '@tessera/contracts';
import { createSendingChannel } from '@tessera/crypto';
import { success } from '../envelope.ts';
import { waitForUserView } from '../readYourWrites.ts';
import { answers } from '../routeAnswers.ts';
import { smsPhoneNumber } from '../schemaFormats.ts';
import { clientAuth, type AccountFlowOptions } from './accountFlow.ts';
import { commandSender } from './identityCommands.ts';
import { answersAreNotStored } from './noStore.ts';

const startStepUpSchema = {
  tags: ['step-up'],
  operationId: 'startStepUp',
  summary: 'Confirm an action: the password again, then an SMS code that states the transaction, or a passkey',
  description:
    "Strong customer authentication for one action (PSD2 dynamic linking): checks the password as login does (its lock and its count of wrong passwords), then sends an SMS stating the action, the amount and currency and the destination's last four characters. Answer the code with POST /v1/user/otp on the `sessionId`: it answers a `stepUpToken` for exactly this action and transaction. When the user has a passkey for this API client, the answer also carries `passkeyOptions`, whose challenge is bound to this step-up and its transaction: the assertion, sent to POST /v1/user/otp with `challengeType` PASSKEY, answers in place of the code (the app should show the action and transaction before asking for it). Wrong codes and failed assertions count together. The user token's login must still be alive; the code's attempts, the SMS budget and the account lock are the login's. For `PHONE_CHANGE_COOLING_OFF_SECONDS` after a phone number change (24 hours by default), WITHDRAW and ADD_BENEFICIARY are refused with 403 STEP_UP_COOLING_OFF and `Retry-After` (CONVERT is not: the money stays in the wallet).",
  security: [{ userAuth: [] }],
  headers: WriteHeaders,
  body: StepUpBody,
  response: {
    200: Envelope(StepUpChallengeData, {
      description: 'A code stating the transaction was sent by SMS; `passkeyOptions` when the user has a passkey.',
      example: {
        sessionId: example.stepUpSessionId,
        challengeType: 'SMS_OTP',
        codeDeliveryDestination: example.maskedPhoneNumber,
        expiresIn: 300,
        passkeyOptions: passkeyRequestOptionsExample,
      },
    }),
    ...answers('userWrite', {
      400: ['INVALID_PHONE_NUMBER'],
      401: ['INVALID_CREDENTIALS', 'STEP_UP_SESSION_ENDED'],
      403: ['ACCOUNT_LOCKED', 'STEP_UP_COOLING_OFF'],
      429: ['LOGIN_TEMPORARILY_LOCKED'],
    }),
  },
};

const consumeStepUpSchema = {
  tags: ['step-up'],
  operationId: 'consumeStepUp',
  summary: 'Use a step-up token once, for the action and transaction it confirms',
  description:
    "For the payment service, with a token of the API client the step-up was asked through: answers 200 once for the action and transaction the user confirmed. The same token again, another action, any other transaction (only trailing fractional zeros of the amount do not count), another client's token, an expired token or one whose login has ended since are refused, each with its own code. A token may also be checked offline (JWKS, `typ` step-up+jwt, `acr`, `txn` against the canonical transaction's hash), but only consuming it here rules out a replay.",
  security: clientAuth,
  headers: WriteHeaders,
  body: ConsumeStepUpBody,
  response: {
    200: Envelope(StepUpConsumedData, {
      description: 'Consumed: the action may go ahead.',
      example: { userId: example.userId, tokenId: example.stepUpTokenId, action: 'WITHDRAW', consumed: true },
    }),
    ...answers('clientWrite', {
      403: ['STEP_UP_TOKEN_INVALID', 'STEP_UP_TOKEN_EXPIRED', 'STEP_UP_TOKEN_REVOKED'],
      409: ['STEP_UP_TOKEN_ALREADY_USED'],
      422: ['STEP_UP_ACTION_MISMATCH', 'STEP_UP_TRANSACTION_MISMATCH'],
    }),
  },
};

export const stepUpRoutes: FastifyPluginAsyncTypebox<AccountFlowOptions> = async (app, options) => {
  const send = commandSender(options.identity);
  const channel = createSendingChannel(options.commandPublicKey);
  answersAreNotStored(app);

  app.post(
    '/v1/user/step-up',
    { config: { ...app.sensitiveRateLimit }, preHandler: app.requireUser(), schema: startStepUpSchema },
    async (request) => {
      const claims = request.userClaims!;
      const { password, action } = request.body;
      const transaction = withNormalisedPhoneNumber(action, request.body.transaction);
      // Counted with the login attempts naming the same account: the password is guessed here as there.
      await app.limitIdentifier(claims.sub);
      const { data } = await send(request, 'StartStepUp', {
        userId: claims.sub,
        familyId: claims.fam,
        action,
        transaction,
        sealedSecrets: channel.seal({ password }),
      });
      // Identity made them with @simplewebauthn/server; the schema says which of their fields are sent on.
      const { passkeyOptions, ...challenge } = data;
      return success({
        ...challenge,
        ...(passkeyOptions ? { passkeyOptions: passkeyOptions as PasskeyRequestOptions } : {}),
      });
    },
  );

  app.post(
    '/v1/step-up/consume',
    { preHandler: app.requireClient(scopes.usersWrite), schema: consumeStepUpSchema },
    async (request) => {
      const { stepUpToken, action, transaction } = request.body;
      const claims = await options.stepUpTokens.verify(stepUpToken);
      if (!claims) throw new ApiError('STEP_UP_TOKEN_INVALID');
      const { data, position } = await send(request, 'ConsumeStepUp', {
        userId: claims.sub,
        stepUpId: claims.sid,
        tokenId: claims.jti,
        action,
        transaction,
      });
      // Answer once introspection sees the token consumed.
      const wait = { timeoutMs: options.readYourWritesTimeoutMs, watch: options.projections, log: app.log };
      await waitForUserView(options.users, data.userId, position, wait);
      return success({ userId: data.userId, tokenId: data.tokenId, action, consumed: true as const });
    },
  );
};

/** A phone number change names its new number normalised, as POST /v1/user/phone-number will: the token binds that form. */
function withNormalisedPhoneNumber(action: string, transaction: StepUpTransaction): StepUpTransaction {
  if (action !== 'CHANGE_PHONE_NUMBER' || transaction.destination === undefined) return transaction;
  return { ...transaction, destination: smsPhoneNumber(transaction.destination) ?? transaction.destination };
}
