/**
 * Changing the phone number: a signed-in user names the new number with the
 * password or a step-up token for CHANGE_PHONE_NUMBER; a code goes to the new
 * number, and `VerifyOtp` on its challenge commits the change.
 */
import { Type, type Static } from '@sinclair/typebox';
import { command } from './commandSchema.ts';

/**
 * `userId` and `familyId` are the user token's (`sub`, its login); the calling
 * client is the metadata's; `phoneNumber` is normalised E.164. Exactly one
 * proof: sealed JSON `{password}`, or the step-up token the gateway verified
 * (its `sid` and `jti`), which identity consumes in the same decision.
 */
export const StartPhoneNumberChange = command(
  'StartPhoneNumberChange',
  Type.Object({
    userId: Type.String(),
    familyId: Type.String(),
    phoneNumber: Type.String(),
    sealedSecrets: Type.Optional(Type.String()),
    stepUp: Type.Optional(Type.Object({ stepUpId: Type.String(), tokenId: Type.String() })),
  }),
);

export type StartPhoneNumberChange = Static<typeof StartPhoneNumberChange>;
