/**
 * Reads of the log that the log itself records: each time an auditor's tool
 * opens a user's personal data with an auditor credential, before it shows
 * anything. Names who read whom, never what was read.
 */
import { Type } from '@sinclair/typebox';
import { event, Id, Instant } from './eventSchema.ts';

export const auditAccessEvents = {
  PersonalDataDisclosedToAuditor: event(
    'PersonalDataDisclosedToAuditor',
    1,
    Type.Object({
      /** The user whose personal fields were opened. */
      userId: Id,
      /** The auditor the credential names, as the operator wrote it when issuing it (an organisation or a reference). */
      auditor: Type.String({ minLength: 1, maxLength: 200 }),
      /** The credential's id: the issuing operator's record says who it was given to. */
      credentialId: Id,
      /** The time the auditor asked the user's state at, if they asked for a past state. */
      asOf: Type.Optional(Instant),
      disclosedAt: Instant,
    }),
  ),
} as const;
