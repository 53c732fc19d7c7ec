/**
 * Step-up with dynamic linking: a logged-in user confirms one action (and its
 * transaction) with the password and an SMS code or a passkey, and gets a short-lived token
 * that a payment service consumes once.
 */
import { Type } from '@sinclair/typebox';
import { StepUpAction } from '../stepUp.ts';
import { event, Id, Instant } from './eventSchema.ts';

/** What answered a step-up's challenge: the SMS code stating the transaction, or a passkey whose challenge binds it. */
export const StepUpChallengeType = Type.Union([Type.Literal('SMS_OTP'), Type.Literal('PASSKEY')]);

export const stepUpEvents = {
  StepUpRequested: event(
    'StepUpRequested',
    1,
    Type.Object({
      userId: Id,
      /** The id of the code's challenge (its `sessionId`), named again when the code is verified. */
      stepUpId: Id,
      action: StepUpAction,
      /**
       * base64url SHA-256 of the canonical transaction (contracts/src/stepUp.ts): the token's `txn`. Personal data
       * too: an unkeyed hash of a guessable payment would confirm a guess ("150 EUR to this IBAN?") to a log reader.
       */
      transactionHash: Type.Optional(Type.String()),
      /** The canonical transaction JSON: personal data, encrypted with the user's key. */
      transaction: Type.Optional(Type.String()),
      /** The login (refresh-token family) the step-up was asked from: ending it revokes the step-up. */
      familyId: Id,
      /** The API client that asked: only it may consume the token. */
      clientId: Id,
    }),
  ),
  StepUpCompleted: event(
    'StepUpCompleted',
    /** Version 2: `challengeType`, what answered the step-up (the token's `amr` follows it). */
    2,
    Type.Object({
      userId: Id,
      stepUpId: Id,
      /** The step-up token's `jti`. */
      tokenId: Id,
      /** When the code or the passkey was verified: the token's `auth_time`. */
      authTime: Instant,
      expiresAt: Instant,
      /**
       * Since version 2: SMS_OTP (the SMS code) or PASSKEY (an assertion over the step-up's challenge, its
       * PasskeyUsed beside this event). Absent in version 1, when only the SMS code could answer.
       */
      challengeType: Type.Optional(StepUpChallengeType),
    }),
  ),
  StepUpConsumed: event(
    'StepUpConsumed',
    1,
    Type.Object({
      userId: Id,
      stepUpId: Id,
      tokenId: Id,
      /** The API client that consumed the token (the one that asked for it). */
      clientId: Id,
    }),
  ),
} as const;
