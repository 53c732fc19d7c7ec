/**
 * Bodies and answers of a phone number change: the new number with the
 * password, or with a step-up token for CHANGE_PHONE_NUMBER to that number;
 * one body shape each, so a body that fits the schema is never answered 400
 * (ADR 20).
 */
import { Type, type Static } from '@sinclair/typebox';
import { example } from '../apiExamples.ts';
import { apiFormats, ChallengeType, CurrentPassword, Uuid } from './fields.ts';

const NewPhoneNumber = Type.String({
  maxLength: 16,
  format: apiFormats.phoneNumber,
  description:
    'The new number: E.164, a mobile number valid for its country (format `e164`), as at sign-up; stored in its normalised form. The code goes to it.',
  examples: [example.newPhoneNumber],
});

const StepUpTokenForChange = Type.String({
  minLength: 1,
  pattern: '^[A-Za-z0-9._-]+$',
  maxLength: 1536,
  description:
    'A `stepUpToken` for the action CHANGE_PHONE_NUMBER whose destination is this new number, less than 5 minutes old: it stands for the password, and is used up.',
  examples: [example.stepUpToken],
});

export const PhoneNumberChangeBody = Type.Union(
  [
    Type.Object(
      { phoneNumber: NewPhoneNumber, password: CurrentPassword },
      { additionalProperties: false, title: 'PhoneNumberChangeWithPassword' },
    ),
    Type.Object(
      { phoneNumber: NewPhoneNumber, stepUpToken: StepUpTokenForChange },
      { additionalProperties: false, title: 'PhoneNumberChangeWithStepUpToken' },
    ),
  ],
  {
    description: 'The new number, and the password or a step-up token for this change.',
    examples: [{ phoneNumber: example.newPhoneNumber, password: example.password }],
  },
);

export const PhoneNumberChallengeData = Type.Object({
  sessionId: Type.String({ description: 'Names this change in POST /v1/user/otp and /v1/user/otp/resend.' }),
  challengeType: ChallengeType,
  codeDeliveryDestination: Type.String({ description: 'The new number, masked, such as +33******21.' }),
  expiresIn: Type.Integer({ description: 'Seconds until the code expires.' }),
});

export const PhoneNumberChangedData = Type.Object({
  userId: Uuid,
  phoneNumberChanged: Type.Literal(true),
  phoneNumber: Type.String({ description: 'The new number, normalised E.164.' }),
});

export type PhoneNumberChangeBody = Static<typeof PhoneNumberChangeBody>;
