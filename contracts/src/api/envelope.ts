/** The envelope every `/v1` answer is, and the headers every operation takes. */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { example } from '../apiExamples.ts';

/** What a successful `/v1` answer looks like: the envelope around `data`. */
export function Envelope<T extends TSchema>(data: T, options: { description: string; example: Static<T> }) {
  return Type.Object(
    {
      success: Type.Literal(true),
      data,
      errorCode: Type.Literal(0),
      errorMessage: Type.Literal(''),
    },
    {
      description: options.description,
      examples: [{ success: true, data: options.example, errorCode: 0, errorMessage: '' }],
    },
  );
}

export const ErrorEnvelope = Type.Object(
  {
    success: Type.Literal(false),
    data: Type.Null(),
    errorCode: Type.Integer({
      description: 'Stable, catalogued in docs/errors.md; always answered with the same HTTP status.',
    }),
    errorMessage: Type.String({
      description: 'For people: reveals no secret, and never whether an email, phone number or user exists.',
    }),
  },
  { $id: 'ErrorEnvelope', description: 'Every /v1 error.' },
);

/** Headers every POST and PUT of a client or user takes. */
export const WriteHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x21-\\x7e]+$',
      description:
        'Makes a retry safe: the same key with the same request within 24 h gets the first answer again (header `idempotent-replayed: true`) and writes nothing twice; the same key with another request is refused (422, 1006); a retry while the first is running gets 409 (1007) with `Retry-After: 1`. Use a random UUID: the kept answer is only as secret as the key.',
      examples: [example.idempotencyKey],
    }),
  ),
  'x-correlation-id': Type.Optional(
    Type.String({
      description:
        'Follows the request through commands, events, the SMS and the logs, and comes back on the answer. Kept when it is 8 to 64 of `A-Z a-z 0-9 . _ -`; anything else is replaced by a new id (never refused).',
      examples: [example.correlationId],
    }),
  ),
});

/** Headers every other operation takes. */
export const ReadHeaders = Type.Pick(WriteHeaders, ['x-correlation-id']);
