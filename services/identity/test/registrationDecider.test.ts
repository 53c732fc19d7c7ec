/** Registration and erasure: a user comes into being with a main account, and is erased for good. */
import t from 'tap';
import type { IdentityEvent } from '@tessera/contracts';
import {
  clientId,
  loginCommand,
  now,
  registered,
  secondsAfter,
  sessionStarted,
  userId,
  userSpecification as user,
} from './mothers.ts';

const registerCommand = (roles = ['USER']) => ({
  type: 'RegisterUser' as const,
  userId,
  accountId: 'account-1',
  email: 'ada@example.com',
  phoneNumber: '+33612345678',
  passwordHash: '$argon2id$stub',
  roles,
  allowedRoles: ['USER'],
  clientId: 'client-1',
});

t.test('sign-up', async (t) => {
  t.test('a new user is registered with a main account', async (t) => {
    user(t)
      .given([])
      .when(registerCommand())
      .then([registered(), { type: 'AccountOpened', data: { userId, accountId: 'account-1', kind: 'MAIN' } }]);
  });
  t.test('a role outside the allow-list is refused', async (t) => {
    user(t)
      .given([])
      .when(registerCommand(['USER', 'ADMIN']))
      .thenRejects('ROLE_NOT_ALLOWED');
  });
  t.test('a user cannot be registered twice', async (t) => {
    user(t).given([registered()]).when(registerCommand()).thenRejects('REGISTRATION_CONFLICT');
  });
});

t.test('personal-data erasure', async (t) => {
  const erased: IdentityEvent = { type: 'PersonalDataErased', data: { userId, erasedAt: now } };
  t.test('ends every live session and records the erasure', async (t) => {
    user(t)
      .given([
        registered(),
        sessionStarted('f1', 'a'),
        sessionStarted('f2', 'b'),
        { type: 'SessionsRevoked', data: { userId, familyIds: ['f2'], reason: 'LOGOUT' } },
      ])
      .when({ type: 'ErasePersonalData', erasedAt: now })
      .then([{ type: 'SessionsRevoked', data: { userId, familyIds: ['f1'], reason: 'PERSONAL_DATA_ERASED' } }, erased]);
  });
  t.test('erasing again records nothing', async (t) => {
    user(t)
      .given([registered(), erased])
      .when({ type: 'ErasePersonalData', erasedAt: secondsAfter(60) })
      .then([]);
  });
  t.test('an unknown user cannot be erased', async (t) => {
    user(t).given([]).when({ type: 'ErasePersonalData', erasedAt: now }).thenRejects('USER_NOT_FOUND');
  });
  t.test('an erased user cannot log in, even with what was the right password, nor refresh', async (t) => {
    user(t)
      .given([registered(), sessionStarted('f1', 'a'), erased])
      .when(loginCommand(true))
      .thenRejects('INVALID_CREDENTIALS');
    user(t)
      .given([registered(), sessionStarted('f1', 'a'), erased])
      .when({ type: 'RefreshSession', presentedTokenHash: 'a', newRefreshTokenHash: 'b', now, clientId })
      .thenRejects('REFRESH_TOKEN_INVALID');
  });
  t.test('late SMS reports about an erased user are accepted and recorded nowhere', async (t) => {
    user(t)
      .given([registered(), erased])
      .when({
        type: 'RecordSmsOutcome',
        outcome: {
          type: 'SmsDispatched',
          sourceEventId: 'e1',
          purpose: 'OTP',
          provider: 'plivo',
          providerMessageId: 'm1',
        },
      })
      .then([]);
  });
});
