/** Sessions: refresh-token rotation, reuse, client binding, and logout. */
import t from 'tap';
import type { IdentityEvent } from '@tessera/contracts';
import { clientId, registered, secondsAfter, sessionStarted, userId, userSpecification as user } from './mothers.ts';

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
