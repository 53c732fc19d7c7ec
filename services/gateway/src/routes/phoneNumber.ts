/**
 * Changing the phone number: a signed-in user names the new number with the
 * password or a step-up token for CHANGE_PHONE_NUMBER (`POST
 * /v1/user/phone-number`); a code goes to the new number, and `POST
 * /v1/user/otp` on its session commits the change.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ApiError,
  Envelope,
  example,
  PhoneNumberChallengeData,
  PhoneNumberChangeBody,
  WriteHeaders,
} from '@tessera/contracts';
import { createSendingChannel } from '@tessera/crypto';
import { success } from '../envelope.ts';
import { waitForUserView } from '../readYourWrites.ts';
import { answers } from '../routeAnswers.ts';
import { smsPhoneNumber } from '../schemaFormats.ts';
import type { AccountFlowOptions } from './accountFlow.ts';
import { commandSender } from './identityCommands.ts';
import { answersAreNotStored } from './noStore.ts';

const changePhoneNumberSchema = {
  tags: ['user'],
  operationId: 'changePhoneNumber',
  summary: 'Change the phone number: the password (or a step-up token), then a code sent to the new number',
  description:
    "Checks the password as login does (its lock and its count of wrong passwords), or uses up a `stepUpToken` for the action CHANGE_PHONE_NUMBER whose destination is this number, then sends a code to the new number, within that number's SMS budget. Answer it with POST /v1/user/otp on the `sessionId` (client token and the user's email as `username`): the number changes then, if no other user took it meanwhile. The old number is told by SMS, every other login ends, and for `PHONE_CHANGE_COOLING_OFF_SECONDS` (24 hours by default) step-ups for WITHDRAW and ADD_BENEFICIARY are refused with 403 STEP_UP_COOLING_OFF (CONVERT stays allowed: the money stays in the wallet).",
  security: [{ userAuth: [] }],
  headers: WriteHeaders,
  body: PhoneNumberChangeBody,
  response: {
    200: Envelope(PhoneNumberChallengeData, {
      description: 'A code was sent to the new number.',
      example: {
        sessionId: example.phoneNumberChangeSessionId,
        challengeType: 'SMS_OTP',
        codeDeliveryDestination: example.maskedNewPhoneNumber,
        expiresIn: 300,
      },
    }),
    ...answers('userWrite', {
      400: ['INVALID_PHONE_NUMBER'],
      401: ['INVALID_CREDENTIALS'],
      403: ['ACCOUNT_LOCKED', 'STEP_UP_TOKEN_INVALID', 'STEP_UP_TOKEN_EXPIRED', 'STEP_UP_TOKEN_REVOKED'],
      409: ['PHONE_NUMBER_TAKEN', 'PHONE_NUMBER_UNCHANGED', 'STEP_UP_TOKEN_ALREADY_USED'],
      422: ['STEP_UP_ACTION_MISMATCH', 'STEP_UP_TRANSACTION_MISMATCH'],
      429: ['LOGIN_TEMPORARILY_LOCKED'],
    }),
  },
};

export const phoneNumberRoutes: FastifyPluginAsyncTypebox<AccountFlowOptions> = async (app, options) => {
  const send = commandSender(options.identity);
  const channel = createSendingChannel(options.commandPublicKey);
  answersAreNotStored(app);

  app.post(
    '/v1/user/phone-number',
    { config: { ...app.sensitiveRateLimit }, preHandler: app.requireUser(), schema: changePhoneNumberSchema },
    async (request) => {
      const claims = request.userClaims!;
      const { body } = request;
      // The schema's e164 format has already checked it; the change names its normalised form.
      const phoneNumber = smsPhoneNumber(body.phoneNumber) ?? body.phoneNumber;
      const caller = { userId: claims.sub, familyId: claims.fam, phoneNumber };
      if ('password' in body) {
        // Counted with the login attempts naming the same account: the password is guessed here as there.
        await app.limitIdentifier(claims.sub);
        const { data } = await send(request, 'StartPhoneNumberChange', {
          ...caller,
          sealedSecrets: channel.seal({ password: body.password }),
        });
        return success(data);
      }
      const stepUp = await options.stepUpTokens.verify(body.stepUpToken);
      // Another user's token proves nothing about this one.
      if (!stepUp || stepUp.sub !== claims.sub) throw new ApiError('STEP_UP_TOKEN_INVALID');
      const { data, position } = await send(request, 'StartPhoneNumberChange', {
        ...caller,
        stepUp: { stepUpId: stepUp.sid, tokenId: stepUp.jti },
      });
      // The token is used up: answer once introspection sees it so.
      const wait = { timeoutMs: options.readYourWritesTimeoutMs, watch: options.projections, log: app.log };
      await waitForUserView(options.users, claims.sub, position, wait);
      return success(data);
    },
  );
};
