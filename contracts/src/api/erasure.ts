/** Erasure of a user's personal data by an account manager. */
import { Type } from '@sinclair/typebox';
import { example } from '../apiExamples.ts';
import { IdParam, Uuid } from './fields.ts';

export const ErasureParams = Type.Object({
  userId: { ...IdParam, description: 'A user the calling client signed up.', examples: [example.userId] },
});
export const ErasureData = Type.Object({
  userId: Uuid,
  erasedAt: Type.String({
    format: 'date-time',
    description: "When the user's data key was destroyed; the same on every repeat of the call.",
  }),
  personalDataErased: Type.Literal(true),
});
