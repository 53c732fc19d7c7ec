/** Sessions: refresh-token rotation, reuse, client binding, logout, and revocation by the client. */
import t from 'tap';
import type { IdentityEvent } from '@tessera/contracts';
import {
  clientId,
  now,
  registered,
  secondsAfter,
  sessionStarted,
  userId,
  userSpecification as user,
} from './mothers.ts';

t.test('refresh tokens', async (t) => {
  const refresh = (presentedTokenHash: string, at = secondsAfter(60)) => ({
    type: 'RefreshSession' as const,
    presentedTokenHash,
    newRefreshTokenHash: 'next',
    now: at,
    clientId,
  });
  const rotated = {
    type: 'RefreshTokenRotated' as const,
    data: { userId, familyId: 'f1', previousTokenHash: 'first', refreshTokenHash: 'second' },
  };
  t.test('the current token is rotated', async (t) => {
    user(t)
      .given([registered(), sessionStarted('f1', 'first')])
      .when(refresh('first'))
      .then([
        {
          type: 'RefreshTokenRotated',
          data: { userId, familyId: 'f1', previousTokenHash: 'first', refreshTokenHash: 'next' },
        },
      ]);
  });
  t.test('a rotated token presented again revokes the whole family', async (t) => {
    user(t)
      .given([registered(), sessionStarted('f1', 'first'), rotated])
      .when(refresh('first'))
      .thenRejects('REFRESH_TOKEN_INVALID', [
        { type: 'RefreshTokenReuseDetected', data: { userId, familyId: 'f1' } },
        { type: 'SessionsRevoked', data: { userId, familyIds: ['f1'], reason: 'REFRESH_TOKEN_REUSE' } },
      ]);
  });
  t.test('after reuse, even the newest token of the family is refused', async (t) => {
    user(t)
      .given([
        registered(),
        sessionStarted('f1', 'first'),
        rotated,
        { type: 'SessionsRevoked', data: { userId, familyIds: ['f1'], reason: 'REFRESH_TOKEN_REUSE' } },
      ])
      .when(refresh('second'))
      .thenRejects('REFRESH_TOKEN_INVALID');
  });
  t.test('other sessions survive a reuse in one family', async (t) => {
    user(t)
      .given([
        registered(),
        sessionStarted('f1', 'first'),
        sessionStarted('f2', 'other'),
        rotated,
        { type: 'SessionsRevoked', data: { userId, familyIds: ['f1'], reason: 'REFRESH_TOKEN_REUSE' } },
      ])
      .when(refresh('other'))
      .then([
        {
          type: 'RefreshTokenRotated',
          data: { userId, familyId: 'f2', previousTokenHash: 'other', refreshTokenHash: 'next' },
        },
      ]);
  });
  t.test('a session past its absolute lifetime cannot be refreshed', async (t) => {
    user(t)
      .given([registered(), sessionStarted('f1', 'first', secondsAfter(100))])
      .when(refresh('first', secondsAfter(100)))
      .thenRejects('REFRESH_TOKEN_INVALID');
  });
  t.test('an unknown token is refused', async (t) => {
    user(t)
      .given([registered(), sessionStarted('f1', 'first')])
      .when(refresh('forged'))
      .thenRejects('REFRESH_TOKEN_INVALID');
  });
  t.test('a token presented by another API client is refused, and the session it belongs to lives on', async (t) => {
    user(t)
      .given([registered(), sessionStarted('f1', 'first')])
      .when({ ...refresh('first'), clientId: 'client-2' })
      .thenRejects('REFRESH_TOKEN_INVALID');
    user(t)
      .given([registered(), sessionStarted('f1', 'first'), rotated])
      .when({ ...refresh('first'), clientId: 'client-2' })
      .thenRejects('REFRESH_TOKEN_INVALID');
  });
  t.test('a session started before logins were bound to a client is refreshed by any client, as it was', async (t) => {
    const unbound: IdentityEvent = {
      type: 'SessionStarted',
      data: { userId, sessionId: 's-old', familyId: 'f1', refreshTokenHash: 'first', expiresAt: secondsAfter(86400) },
    };
    user(t)
      .given([registered(), unbound])
      .when({ ...refresh('first'), clientId: 'client-2' })
      .then([
        {
          type: 'RefreshTokenRotated',
          data: { userId, familyId: 'f1', previousTokenHash: 'first', refreshTokenHash: 'next' },
        },
      ]);
  });
});

t.test('logout revokes the session it was called with, and only that one', async (t) => {
  user(t)
    .given([registered(), sessionStarted('f1', 'a'), sessionStarted('f2', 'b')])
    .when({ type: 'Logout', familyId: 'f1' })
    .then([{ type: 'SessionsRevoked', data: { userId, familyIds: ['f1'], reason: 'LOGOUT' } }]);
  user(t)
    .given([
      registered(),
      sessionStarted('f1', 'a'),
      { type: 'SessionsRevoked', data: { userId, familyIds: ['f1'], reason: 'LOGOUT' } },
    ])
    .when({ type: 'Logout', familyId: 'f1' })
    .then([]);
});

t.test('a client revoking a refresh token (RFC 7009)', async (t) => {
  const revoke = (presentedTokenHash: string, by = clientId) => ({
    type: 'RevokeRefreshToken' as const,
    presentedTokenHash,
    clientId: by,
  });
  const revoked: IdentityEvent = {
    type: 'SessionsRevoked',
    data: { userId, familyIds: ['f1'], reason: 'TOKEN_REVOKED' },
  };
  const rotated: IdentityEvent = {
    type: 'RefreshTokenRotated',
    data: { userId, familyId: 'f1', previousTokenHash: 'first', refreshTokenHash: 'second' },
  };
  t.test('ends the login the current token belongs to, and only that one', async (t) => {
    user(t)
      .given([registered(), sessionStarted('f1', 'first'), sessionStarted('f2', 'other'), rotated])
      .when(revoke('second'))
      .then([revoked]);
  });
  t.test('a token already rotated away names its login too', async (t) => {
    user(t)
      .given([registered(), sessionStarted('f1', 'first'), rotated])
      .when(revoke('first'))
      .then([revoked]);
  });
  t.test('a revoked login cannot be refreshed any more', async (t) => {
    user(t)
      .given([registered(), sessionStarted('f1', 'first'), revoked])
      .when({ type: 'RefreshSession', presentedTokenHash: 'first', newRefreshTokenHash: 'n', now, clientId })
      .thenRejects('REFRESH_TOKEN_INVALID');
  });
  t.test('revoking an ended login again records nothing', async (t) => {
    user(t)
      .given([registered(), sessionStarted('f1', 'first'), revoked])
      .when(revoke('first'))
      .then([]);
  });
  t.test('a token of another client changes nothing, and is refused as an unknown one is', async (t) => {
    user(t)
      .given([registered(), sessionStarted('f1', 'first')])
      .when(revoke('first', 'client-2'))
      .thenRejects('REFRESH_TOKEN_INVALID');
    user(t)
      .given([registered(), sessionStarted('f1', 'first')])
      .when(revoke('forged'))
      .thenRejects('REFRESH_TOKEN_INVALID');
  });
  t.test('a login from before the client binding is revoked only by the client the user belongs to', async (t) => {
    const unbound: IdentityEvent = {
      type: 'SessionStarted',
      data: { userId, sessionId: 's-old', familyId: 'f1', refreshTokenHash: 'first', expiresAt: secondsAfter(86400) },
    };
    user(t).given([registered(), unbound]).when(revoke('first')).then([revoked]);
    user(t).given([registered(), unbound]).when(revoke('first', 'client-2')).thenRejects('REFRESH_TOKEN_INVALID');
  });
  t.test('no user, no revocation; an erased user has nothing left to revoke', async (t) => {
    user(t).given([]).when(revoke('first')).thenRejects('REFRESH_TOKEN_INVALID');
    user(t)
      .given([
        registered(),
        sessionStarted('f1', 'first'),
        { type: 'PersonalDataErased', data: { userId, erasedAt: now } },
      ])
      .when(revoke('first'))
      .then([]);
  });
});

t.test("the user's own sessions", async (t) => {
  const revoke = (familyId: string, at = secondsAfter(60)) => ({ type: 'RevokeSession' as const, familyId, now: at });
  const revokeOthers = (callerFamilyId: string, at = secondsAfter(60)) => ({
    type: 'RevokeOtherSessions' as const,
    callerFamilyId,
    now: at,
  });
  const userRevoked = (...familyIds: string[]): IdentityEvent => ({
    type: 'SessionsRevoked',
    data: { userId, familyIds, reason: 'USER_REVOKED' },
  });
  t.test('ending one session ends that one only', async (t) => {
    user(t)
      .given([registered(), sessionStarted('f1', 'a'), sessionStarted('f2', 'b')])
      .when(revoke('f2'))
      .then([userRevoked('f2')]);
  });
  t.test('the calling session may end itself', async (t) => {
    user(t)
      .given([registered(), sessionStarted('f1', 'a')])
      .when(revoke('f1'))
      .then([userRevoked('f1')]);
  });
  t.test('an ended, expired or unknown session answers alike, and nothing is recorded', async (t) => {
    user(t)
      .given([registered(), sessionStarted('f1', 'a'), userRevoked('f1')])
      .when(revoke('f1'))
      .thenRejects('SESSION_NOT_FOUND');
    user(t)
      .given([registered(), sessionStarted('f1', 'a', secondsAfter(30))])
      .when(revoke('f1', secondsAfter(30)))
      .thenRejects('SESSION_NOT_FOUND');
    user(t)
      .given([registered(), sessionStarted('f1', 'a')])
      .when(revoke('not-mine'))
      .thenRejects('SESSION_NOT_FOUND');
    user(t)
      .given([registered(), sessionStarted('f1', 'a')])
      .when(revoke('__proto__'))
      .thenRejects('SESSION_NOT_FOUND');
  });
  t.test("another user's session is not found on this user's stream", async (t) => {
    user(t).given([]).when(revoke('f1')).thenRejects('UNAUTHENTICATED');
  });
  t.test('ending the others keeps the calling session and skips the ended and expired ones', async (t) => {
    user(t)
      .given([
        registered(),
        sessionStarted('f1', 'a'),
        sessionStarted('f2', 'b'),
        sessionStarted('f3', 'c'),
        sessionStarted('f4', 'd', secondsAfter(30)),
        userRevoked('f3'),
      ])
      .when(revokeOthers('f1'))
      .then([userRevoked('f2')]);
  });
  t.test('with no other session, ending the others records nothing', async (t) => {
    user(t)
      .given([registered(), sessionStarted('f1', 'a')])
      .when(revokeOthers('f1'))
      .then([]);
  });
  t.test('an ended session cannot be refreshed', async (t) => {
    user(t)
      .given([registered(), sessionStarted('f1', 'a'), userRevoked('f1')])
      .when({
        type: 'RefreshSession',
        presentedTokenHash: 'a',
        newRefreshTokenHash: 'n',
        now: secondsAfter(60),
        clientId,
      })
      .thenRejects('REFRESH_TOKEN_INVALID');
  });
});
