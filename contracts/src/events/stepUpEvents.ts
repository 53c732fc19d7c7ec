/**
 * Step-up with dynamic linking: a logged-in user confirms one action (and its
 * transaction) with the password and an SMS code, and gets a short-lived token
 * that a payment service consumes once.
 */
import { Type } from '@sinclair/typebox';
import { StepUpAction } from '../stepUp.ts';
import { event, Id, Instant } from './eventSchema.ts';

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
    1,
    Type.Object({
      userId: Id,
      stepUpId: Id,
      /** The step-up token's `jti`. */
      tokenId: Id,
      /** When the code was verified: the token's `auth_time`. */
      authTime: Instant,
      expiresAt: Instant,
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
