/** The signed-in user's own sessions (logins) and the devices they were made from. */
import { Type, type Static } from '@sinclair/typebox';
import { example } from '../apiExamples.ts';
import { Device } from '../devices.ts';
import { IdParam, Instant } from './fields.ts';

export const UserSession = Type.Object({
  sessionId: Type.String({
    description:
      'The login: it stays the same across refreshes (the `fam` claim of its user tokens). Not the `sessionId` of the login challenge.',
  }),
  clientId: Type.String({ description: 'The API client the login was made through.' }),
  device: Type.Optional(Type.Composite([Device], { description: 'The device the login declared, if it did.' })),
  createdAt: Instant,
  lastUsedAt: Type.String({ format: 'date-time', description: 'The last refresh; the start until the first one.' }),
  current: Type.Boolean({ description: 'True for the login of the user token making this call.' }),
});

export const UserSessionsData = Type.Object({
  sessions: Type.Array(UserSession, {
    description: 'The live logins (not ended, not expired), oldest first.',
  }),
});

export const SessionIdParams = Type.Object({
  sessionId: {
    ...IdParam,
    description: 'A `sessionId` from GET /v1/user/sessions.',
    examples: [example.otherLoginFamilyId],
  },
});

export const RevokedSessionsData = Type.Object({
  revokedSessionIds: Type.Array(Type.String(), { description: 'The logins ended by this call.' }),
});

export type UserSession = Static<typeof UserSession>;
export type UserSessionsData = Static<typeof UserSessionsData>;
export type SessionIdParams = Static<typeof SessionIdParams>;
export type RevokedSessionsData = Static<typeof RevokedSessionsData>;
