/**
 * Changing the phone number: asked from a live login with the password or a
 * step-up token, proven by a code sent to the new number, committed by that
 * code; and the step-ups refused while the change is recent (SIM-swap defence).
 */
import { Type } from '@sinclair/typebox';
import { StepUpAction } from '../stepUp.ts';
import { event, Id, Instant } from './eventSchema.ts';

export const phoneNumberEvents = {
  PhoneNumberChangeRequested: event(
    'PhoneNumberChangeRequested',
    1,
    Type.Object({
      userId: Id,
      /** The challenge of the code sent to the new number. */
      sessionId: Id,
      /** The new number, normalised E.164: personal data, encrypted with the user's key. */
      phoneNumber: Type.String(),
      /** The login (refresh-token family) it was asked from: ending it ends the request. */
      familyId: Id,
      clientId: Id,
      /** PASSWORD, or STEP_UP when a step-up token stood for the password (its StepUpConsumed is beside this event). */
      proof: Type.Union([Type.Literal('PASSWORD'), Type.Literal('STEP_UP')]),
    }),
  ),
  PhoneNumberChanged: event(
    'PhoneNumberChanged',
    1,
    Type.Object({
      userId: Id,
      sessionId: Id,
      /** The new number, normalised E.164: personal data. */
      phoneNumber: Type.String(),
      /** `{to, locale, newNumberHint}` sealed to the notifier: the notice to the number given up. Personal data. */
      sealedNotice: Type.Optional(Type.String()),
      /** Until then step-ups for WITHDRAW and ADD_BENEFICIARY are refused (absent when the cooling-off is 0). */
      coolingOffUntil: Type.Optional(Instant),
    }),
  ),
  StepUpRefused: event(
    'StepUpRefused',
    1,
    Type.Object({
      userId: Id,
      action: StepUpAction,
      /** PHONE_NUMBER_CHANGED: asked, with the right password, within the cooling-off after a phone number change. */
      reason: Type.Literal('PHONE_NUMBER_CHANGED'),
      coolingOffUntil: Instant,
      familyId: Id,
      clientId: Id,
    }),
  ),
} as const;
