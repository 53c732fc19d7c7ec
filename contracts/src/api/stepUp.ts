/**
 * Bodies and answers of step-up with dynamic linking (ADR 26): one body shape
 * per action, so a body that fits the schema names exactly the transaction
 * fields its action needs (ADR 20).
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { example } from '../apiExamples.ts';
import {
  STEP_UP_AMOUNT_PATTERN,
  STEP_UP_CURRENCY_PATTERN,
  STEP_UP_DESTINATION_MAX_LENGTH,
  paymentStepUpActions,
  stepUpActions,
  type StepUpActionName,
} from '../stepUp.ts';
import { apiFormats, ChallengeType, CurrentPassword, Uuid } from './fields.ts';
import { PasskeyRequestOptions } from './passkeyRequestOptions.ts';

const transactionFields = {
  amount: Type.String({
    pattern: STEP_UP_AMOUNT_PATTERN,
    maxLength: 37,
    description:
      'A decimal string, no sign or exponent: trailing fractional zeros do not count (`150.00` and `150` are one amount).',
    examples: [example.withdrawal.amount],
  }),
  currency: Type.String({
    pattern: STEP_UP_CURRENCY_PATTERN,
    maxLength: 10,
    description: 'An ISO 4217 code or an asset code: 3 to 10 upper-case letters and digits.',
    examples: [example.withdrawal.currency],
  }),
  destination: Type.String({
    minLength: 1,
    maxLength: STEP_UP_DESTINATION_MAX_LENGTH,
    format: apiFormats.stepUpDestination,
    description: `Where the money goes (an IBAN, an address, a beneficiary's name): 1 to ${STEP_UP_DESTINATION_MAX_LENGTH} printable characters in NFC form (format \`${apiFormats.stepUpDestination}\`). The SMS shows its last four characters.`,
    examples: [example.withdrawal.destination],
  }),
};

/** A phone number change's destination is the new number, checked as sign-up checks one. */
const newPhoneNumberDestination = Type.String({
  maxLength: 16,
  format: apiFormats.phoneNumber,
  description:
    'The new phone number (format `e164`), as POST /v1/user/phone-number will name it: the token is bound to its normalised form. The SMS, sent to the current number, shows its last four digits.',
  examples: [example.newPhoneNumber],
});

/** The transaction an action names: exactly the fields the action needs (contracts/src/stepUp.ts). */
function transactionOf(action: StepUpActionName) {
  const fields = stepUpActions[action].fields;
  const properties: Record<string, TSchema> = {};
  for (const field of fields) properties[field] = transactionFields[field];
  if (action === 'CHANGE_PHONE_NUMBER') properties.destination = newPhoneNumberDestination;
  return Type.Object(properties, {
    additionalProperties: false,
    description: `The transaction the code confirms: ${fields.join(', ')}.`,
  });
}

const actionNames = Object.keys(stepUpActions) as StepUpActionName[];

/** An action without transaction fields may leave `transaction` out (or send `{}`): the token then has no `txn`. */
function withTransaction(action: StepUpActionName) {
  const transaction = transactionOf(action);
  return stepUpActions[action].fields.length === 0 ? Type.Optional(transaction) : transaction;
}

export const StepUpBody = Type.Union(
  actionNames.map((action) =>
    Type.Object(
      { password: CurrentPassword, action: Type.Literal(action), transaction: withTransaction(action) },
      { additionalProperties: false, title: `StepUp${action}` },
    ),
  ),
  {
    examples: [{ password: example.password, action: 'WITHDRAW', transaction: example.withdrawal }],
    description: 'The password again, the action to confirm and its transaction.',
  },
);

export const StepUpToken = Type.String({
  minLength: 1,
  // A compact JWT (base64url parts and dots); the ones this server signs are under 1 KiB.
  pattern: '^[A-Za-z0-9._-]+$',
  maxLength: 1536,
  description: 'The `stepUpToken` the SMS code or the passkey answered.',
  examples: [example.stepUpToken],
});

export const ConsumeStepUpBody = Type.Union(
  paymentStepUpActions.map((action) =>
    Type.Object(
      { stepUpToken: StepUpToken, action: Type.Literal(action), transaction: withTransaction(action) },
      { additionalProperties: false, title: `ConsumeStepUp${action}` },
    ),
  ),
  {
    examples: [{ stepUpToken: example.stepUpToken, action: 'WITHDRAW', transaction: example.withdrawal }],
    description: 'The token, and the action and transaction the payment service is about to carry out.',
  },
);

export const StepUpChallengeData = Type.Object({
  sessionId: Type.String({ description: 'Names this step-up in POST /v1/user/otp and /v1/user/otp/resend.' }),
  challengeType: ChallengeType,
  codeDeliveryDestination: Type.String({ description: 'Masked phone number, such as +33******78.' }),
  expiresIn: Type.Integer({ description: 'Seconds until the code expires.' }),
  passkeyOptions: Type.Optional(PasskeyRequestOptions),
});

export const StepUpTokenData = Type.Object({
  userId: Uuid,
  stepUpToken: Type.String({
    description:
      'A JWT typed `step-up+jwt`, signed with the keys of the JWKS: `acr` urn:tessera:acr:sca, `amr` ["pwd","sms"] when the SMS code answered or ["pwd","pop","user"] when a passkey did, `auth_time`, `jti`, `action`, `txn` (base64url SHA-256 of the canonical transaction). Consume it once with POST /v1/step-up/consume.',
  }),
  expiresIn: Type.Integer({ description: 'Seconds until the step-up token expires (at most 300).' }),
});

export const StepUpConsumedData = Type.Object({
  userId: Uuid,
  tokenId: Type.String({ description: "The token's `jti`: record it with the payment." }),
  action: Type.String(),
  consumed: Type.Literal(true),
});

export type StepUpBody = Static<typeof StepUpBody>;
export type ConsumeStepUpBody = Static<typeof ConsumeStepUpBody>;
