/** Logins as refresh-token families: started, rotated, reused, revoked. */
import { Type } from '@sinclair/typebox';
import { event, Id, Instant } from './eventSchema.ts';

export const sessionEvents = {
  SessionStarted: event(
    'SessionStarted',
    2,
    Type.Object({
      userId: Id,
      sessionId: Id,
      /** The refresh-token family: every rotation of one login. */
      familyId: Id,
      refreshTokenHash: Type.String(),
      expiresAt: Instant,
      /** Since version 2: the API client the login was made through; only it may refresh the session (RFC 6749 §6). */
      clientId: Type.Optional(Id),
    }),
  ),
  RefreshTokenRotated: event(
    'RefreshTokenRotated',
    1,
    Type.Object({
      userId: Id,
      familyId: Id,
      previousTokenHash: Type.String(),
      refreshTokenHash: Type.String(),
    }),
  ),
  RefreshTokenReuseDetected: event(
    'RefreshTokenReuseDetected',
    1,
    Type.Object({
      userId: Id,
      familyId: Id,
    }),
  ),
  SessionsRevoked: event(
    'SessionsRevoked',
    1,
    Type.Object({
      userId: Id,
      familyIds: Type.Array(Id),
      reason: Type.Union([
        Type.Literal('REFRESH_TOKEN_REUSE'),
        Type.Literal('PASSWORD_CHANGED'),
        Type.Literal('LOGOUT'),
        Type.Literal('PERSONAL_DATA_ERASED'),
        /** The client revoked the login's refresh token (RFC 7009). */
        Type.Literal('TOKEN_REVOKED'),
      ]),
    }),
  ),
} as const;
