/** Identification with the KYC provider, and the provider's signed verdict. */
import { Type } from '@sinclair/typebox';
import { example } from '../apiExamples.ts';
import { IdParam } from './fields.ts';

export const KycStartData = Type.Object({
  identificationId: Type.String({ description: "The provider's id of this identification; its verdict names it." }),
  identificationUrl: Type.String({ description: 'Where to send the user to be identified.' }),
  numberOfAttempts: Type.Integer({ description: 'Identifications started so far, this one included.' }),
  attemptsLeft: Type.Integer(),
});
export const KycCallbackBody = Type.Object(
  {
    identificationId: {
      ...IdParam,
      description: 'The `identificationId` of the KYC start answer.',
      examples: [example.identificationId],
    },
    status: Type.Union([Type.Literal('APPROVED'), Type.Literal('REJECTED')]),
    reason: Type.Optional(
      Type.String({
        maxLength: 500,
        description: "The provider's reason for a rejection, without document data.",
        examples: ['Document expired'],
      }),
    ),
  },
  { additionalProperties: false, examples: [{ identificationId: example.identificationId, status: 'APPROVED' }] },
);
export const KycCallbackData = Type.Object({
  identificationId: Type.String(),
  kycStatus: Type.Union([Type.Literal('APPROVED'), Type.Literal('REJECTED')]),
});
