/**
 * Step-up with dynamic linking: a logged-in user asks to confirm one action
 * (and its transaction) with the password and an SMS code; the code is then
 * verified with `VerifyOtp` on the step-up's challenge; a payment service
 * consumes the token it got, once.
 */
import { Type, type Static } from '@sinclair/typebox';
import { StepUpAction, StepUpTransaction } from '../stepUp.ts';
import { command } from './commandSchema.ts';

/**
 * Sealed JSON `{password}`. `userId` and `familyId` are the user token's
 * (`sub`, its login); the calling client is the metadata's. Identity checks the
 * transaction against the action and hashes its canonical form.
 */
export const StartStepUp = command(
  'StartStepUp',
  Type.Object({
    userId: Type.String(),
    familyId: Type.String(),
    action: StepUpAction,
    transaction: Type.Optional(StepUpTransaction),
    sealedSecrets: Type.String(),
  }),
);
/**
 * A payment service (the metadata's client, the one that asked) uses a step-up
 * token once, for the action and transaction it was issued for. `userId`,
 * `stepUpId` and `tokenId` come from the verified token.
 */
export const ConsumeStepUp = command(
  'ConsumeStepUp',
  Type.Object({
    userId: Type.String(),
    stepUpId: Type.String(),
    tokenId: Type.String(),
    action: StepUpAction,
    transaction: Type.Optional(StepUpTransaction),
  }),
);

export type StartStepUp = Static<typeof StartStepUp>;
export type ConsumeStepUp = Static<typeof ConsumeStepUp>;
