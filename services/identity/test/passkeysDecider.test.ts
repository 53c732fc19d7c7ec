/**
 * Passkeys: registered on a live login once the handler has verified the
 * attestation, removed by their owner's login, and answering a login or a
 * step-up challenge; a failed assertion, an unknown passkey or a counter that
 * does not grow counts as a wrong SMS code on the challenge and towards the lock.
 */
import t from 'tap';
import type { IdentityEvent } from '@tessera/contracts';
import type { PasskeyAssertion } from '../src/domain/passkeysState.ts';
import type { Reauthentication } from '../src/domain/reauthentication.ts';
import {
  clientId,
  loginLock,
  otpIssued,
  registered,
  secondsAfter,
  sessionStarted,
  userId,
  userSpecification as user,
  verifyCommand,
  wrongCode,
} from './mothers.ts';

const familyId = 'family-1';
const loggedIn = [registered(), sessionStarted(familyId, 'refresh-1')];
const credential = { credentialId: 'cred-1', publicKey: 'cose-key-1', counter: 0, transports: ['internal'] };
const at = secondsAfter(5);

const withPassword = (passwordMatches = true): Reauthentication => ({ kind: 'PASSWORD', passwordMatches, loginLock });
const withStepUp = (tokenId = 'token-1'): Reauthentication => ({ kind: 'STEP_UP', stepUpId: 'u1', tokenId });

function register(
  overrides: { verified?: boolean; familyId?: string; clientId?: string; now?: string; proof?: Reauthentication } = {},
) {
  return {
    type: 'RegisterPasskey' as const,
    verified: true,
    credential,
    proof: withPassword(),
    familyId,
    clientId,
    now: at,
    sealedNotice: 'sealed-notice',
    ...overrides,
  };
}
function remove(credentialId = 'cred-1', overrides: { familyId?: string; clientId?: string } = {}) {
  return {
    type: 'RemovePasskey' as const,
    credentialId,
    familyId,
    clientId,
    now: at,
    sealedNotice: 'sealed-notice',
    ...overrides,
  };
}
function passkeyRegistered(
  credentialId = 'cred-1',
  counter = 0,
  through = clientId,
  authorisedBy: 'PASSWORD' | 'STEP_UP' = 'PASSWORD',
  registeredAt = at,
): IdentityEvent {
  const data = {
    userId,
    credentialId,
    publicKey: `cose-key-${credentialId.slice(-1)}`,
    counter,
    transports: ['internal'],
  };
  return {
    type: 'PasskeyRegistered',
    data: { ...data, clientId: through, registeredAt, authorisedBy, sealedNotice: 'sealed-notice' },
  };
}
const passkeyUsed = (sessionId: string, counter: number, credentialId = 'cred-1'): IdentityEvent => ({
  type: 'PasskeyUsed',
  data: { userId, sessionId, credentialId, counter },
});
const lockedOut: IdentityEvent = {
  type: 'UserLockedOut',
  data: { userId, reason: 'OTP_FAILURES', consecutiveOtpFailures: 10 },
};

t.test('registering a passkey', async (t) => {
  t.test('a verified attestation on a live login keeps the public key, counter and transports', async (t) => {
    user(t).given(loggedIn).when(register()).then([passkeyRegistered()]);
  });
  t.test('an attestation that did not verify keeps nothing', async (t) => {
    user(t)
      .given(loggedIn)
      .when(register({ verified: false }))
      .thenRejects('PASSKEY_REGISTRATION_INVALID');
  });
  t.test('the same credential twice is refused', async (t) => {
    user(t)
      .given([...loggedIn, passkeyRegistered()])
      .when(register())
      .thenRejects('PASSKEY_ALREADY_REGISTERED');
  });
  t.test('a login that ended, or another client asking from it, registers nothing', async (t) => {
    const loggedOut: IdentityEvent = {
      type: 'SessionsRevoked',
      data: { userId, familyIds: [familyId], reason: 'LOGOUT' },
    };
    user(t)
      .given([...loggedIn, loggedOut])
      .when(register())
      .thenRejects('UNAUTHENTICATED');
    user(t)
      .given(loggedIn)
      .when(register({ clientId: 'client-2' }))
      .thenRejects('UNAUTHENTICATED');
  });
  t.test('a user who is not there is answered like a dead token', async (t) => {
    user(t).given([]).when(register()).thenRejects('UNAUTHENTICATED');
    const erased: IdentityEvent = { type: 'PersonalDataErased', data: { userId, erasedAt: at } };
    user(t)
      .given([...loggedIn, passkeyRegistered(), erased])
      .when(remove())
      .thenRejects('UNAUTHENTICATED');
  });
});

const failed = (consecutiveFailures: number): IdentityEvent => ({
  type: 'LoginFailed',
  data: { userId, consecutiveFailures },
});

t.test('registering a passkey asks for the password again', async (t) => {
  t.test('a wrong password registers nothing and counts towards the login lock, as at login', async (t) => {
    user(t)
      .given([...loggedIn, failed(1)])
      .when(register({ proof: withPassword(false) }))
      .thenRejects('INVALID_CREDENTIALS', [failed(2)]);
    user(t)
      .given([...loggedIn, failed(1), failed(2), failed(3), failed(4)])
      .when(register({ proof: withPassword(false) }))
      .thenRejects('INVALID_CREDENTIALS', [
        failed(5),
        { type: 'LoginTemporarilyLocked', data: { userId, consecutiveFailures: 5, lockedUntil: secondsAfter(65) } },
      ]);
  });
  t.test('a wrong password counts even with an attestation that did not verify', async (t) => {
    user(t)
      .given(loggedIn)
      .when(register({ proof: withPassword(false), verified: false }))
      .thenRejects('INVALID_CREDENTIALS', [failed(1)]);
  });
  t.test('while login is locked even the right password is refused, and nothing is counted', async (t) => {
    const locked: IdentityEvent = {
      type: 'LoginTemporarilyLocked',
      data: { userId, consecutiveFailures: 5, lockedUntil: secondsAfter(60) },
    };
    user(t)
      .given([...loggedIn, failed(5), locked])
      .when(register())
      .thenRejects('LOGIN_TEMPORARILY_LOCKED');
  });
  t.test('a locked account is told only to the right password', async (t) => {
    user(t)
      .given([...loggedIn, lockedOut])
      .when(register())
      .thenRejects('ACCOUNT_LOCKED');
    user(t)
      .given([...loggedIn, lockedOut])
      .when(register({ proof: withPassword(false) }))
      .thenRejects('INVALID_CREDENTIALS', [failed(1)]);
  });
  t.test('a login that ended counts no wrong password', async (t) => {
    const loggedOut: IdentityEvent = {
      type: 'SessionsRevoked',
      data: { userId, familyIds: [familyId], reason: 'LOGOUT' },
    };
    user(t)
      .given([...loggedIn, loggedOut])
      .when(register({ proof: withPassword(false) }))
      .thenRejects('UNAUTHENTICATED');
  });
});

t.test('registering a passkey with a step-up token', async (t) => {
  /** A step-up asked for `action` and its code verified: a token waiting to be used. */
  const stepUpCompleted = (action = 'MANAGE_PASSKEYS', through = clientId) =>
    [
      { type: 'StepUpRequested', data: { userId, stepUpId: 'u1', action, familyId, clientId: through } },
      otpIssued('u1', 'STEP_UP'),
      {
        type: 'StepUpCompleted',
        data: { userId, stepUpId: 'u1', tokenId: 'token-1', authTime: secondsAfter(10), expiresAt: secondsAfter(310) },
      },
    ] as IdentityEvent[];
  const consumed: IdentityEvent = {
    type: 'StepUpConsumed',
    data: { userId, stepUpId: 'u1', tokenId: 'token-1', clientId },
  };
  const later = secondsAfter(60);
  t.test('a token for MANAGE_PASSKEYS is consumed and the passkey registered in one decision', async (t) => {
    user(t)
      .given([...loggedIn, ...stepUpCompleted()])
      .when(register({ proof: withStepUp(), now: later }))
      .then([consumed, passkeyRegistered('cred-1', 0, clientId, 'STEP_UP', later)]);
  });
  t.test('the token works once', async (t) => {
    user(t)
      .given([...loggedIn, ...stepUpCompleted(), consumed])
      .when(register({ proof: withStepUp(), now: later }))
      .thenRejects('STEP_UP_TOKEN_ALREADY_USED');
  });
  t.test("a token of another action, another client's, an expired or unknown one registers nothing", async (t) => {
    user(t)
      .given([...loggedIn, ...stepUpCompleted('MANAGE_RECOVERY_CODES')])
      .when(register({ proof: withStepUp(), now: later }))
      .thenRejects('STEP_UP_ACTION_MISMATCH');
    user(t)
      .given([...loggedIn, ...stepUpCompleted('MANAGE_PASSKEYS', 'client-2')])
      .when(register({ proof: withStepUp(), now: later }))
      .thenRejects('STEP_UP_TOKEN_INVALID');
    user(t)
      .given([...loggedIn, ...stepUpCompleted()])
      .when(register({ proof: withStepUp(), now: secondsAfter(400) }))
      .thenRejects('STEP_UP_TOKEN_EXPIRED');
    user(t)
      .given([...loggedIn, ...stepUpCompleted()])
      .when(register({ proof: withStepUp('token-2'), now: later }))
      .thenRejects('STEP_UP_TOKEN_INVALID');
  });
  t.test('an attestation that did not verify leaves the token unused, for another try', async (t) => {
    user(t)
      .given([...loggedIn, ...stepUpCompleted()])
      .when(register({ proof: withStepUp(), now: later, verified: false }))
      .thenRejects('PASSKEY_REGISTRATION_INVALID');
  });
});

t.test('removing a passkey', async (t) => {
  t.test("the owner's live login removes it", async (t) => {
    user(t)
      .given([...loggedIn, passkeyRegistered(), passkeyRegistered('cred-2')])
      .when(remove('cred-2'))
      .then([
        {
          type: 'PasskeyRemoved',
          data: { userId, credentialId: 'cred-2', removedAt: at, sealedNotice: 'sealed-notice' },
        },
      ]);
  });
  t.test('an unknown or already removed passkey is not found', async (t) => {
    const removed: IdentityEvent = { type: 'PasskeyRemoved', data: { userId, credentialId: 'cred-1', removedAt: at } };
    user(t)
      .given([...loggedIn, passkeyRegistered()])
      .when(remove('cred-9'))
      .thenRejects('PASSKEY_NOT_FOUND');
    user(t)
      .given([...loggedIn, passkeyRegistered(), removed])
      .when(remove())
      .thenRejects('PASSKEY_NOT_FOUND');
  });
  t.test("another client's passkey is not this client's to name", async (t) => {
    user(t)
      .given([...loggedIn, passkeyRegistered('cred-1', 0, 'client-2')])
      .when(remove())
      .thenRejects('PASSKEY_NOT_FOUND');
  });
});

t.test('answering a challenge with a passkey', async (t) => {
  const withPasskey = [...loggedIn, passkeyRegistered()];
  const assertion = (overrides: Partial<PasskeyAssertion> = {}): PasskeyAssertion => ({
    credentialId: 'cred-1',
    verified: true,
    counter: 1,
    ...overrides,
  });
  const passkey = (sessionId: string, answer: PasskeyAssertion | undefined = assertion()) => ({
    ...verifyCommand(sessionId, ''),
    challengeType: 'PASSKEY' as const,
    ...(answer ? { passkey: answer } : {}),
  });
  const loginWith = (sessionId: string): IdentityEvent => ({
    type: 'SessionStarted',
    data: {
      userId,
      sessionId,
      familyId: 'family-new',
      refreshTokenHash: 'refresh-new',
      expiresAt: secondsAfter(86410),
      clientId,
    },
  });

  t.test('a verified assertion starts the session, records the counter, and verifies no phone', async (t) => {
    user(t)
      .given([...withPasskey, otpIssued('s1')])
      .when(passkey('s1'))
      .then([
        { type: 'OtpVerified', data: { userId, sessionId: 's1', purpose: 'LOGIN' } },
        passkeyUsed('s1', 1),
        loginWith('s1'),
      ]);
  });
  t.test('an assertion that did not verify is a wrong code', async (t) => {
    user(t)
      .given([...withPasskey, otpIssued('s1')])
      .when(passkey('s1', assertion({ verified: false })))
      .thenRejects('OTP_INVALID', [wrongCode('s1', 1)]);
  });
  t.test('a passkey the user does not have, or none at all, is a wrong code', async (t) => {
    user(t)
      .given([...withPasskey, otpIssued('s1')])
      .when(passkey('s1', assertion({ credentialId: 'cred-9' })))
      .thenRejects('OTP_INVALID', [wrongCode('s1', 1)]);
    user(t)
      .given([...loggedIn, otpIssued('s1')])
      .when(passkey('s1', undefined))
      .thenRejects('OTP_INVALID', [wrongCode('s1', 1)]);
  });
  t.test("another client's passkey answers nothing here", async (t) => {
    user(t)
      .given([...loggedIn, passkeyRegistered('cred-1', 0, 'client-2'), otpIssued('s1')])
      .when(passkey('s1'))
      .thenRejects('OTP_INVALID', [wrongCode('s1', 1)]);
  });
  t.test('a counter that does not grow (a clone, a replay) is a wrong code', async (t) => {
    const used = [...withPasskey, otpIssued('s0'), passkeyUsed('s0', 7), otpIssued('s1')];
    user(t)
      .given(used)
      .when(passkey('s1', assertion({ counter: 7 })))
      .thenRejects('OTP_INVALID', [wrongCode('s1', 1)]);
    user(t)
      .given(used)
      .when(passkey('s1', assertion({ counter: 3 })))
      .thenRejects('OTP_INVALID', [wrongCode('s1', 1)]);
    user(t)
      .given(used)
      .when(passkey('s1', assertion({ counter: 8 })))
      .then([
        { type: 'OtpVerified', data: { userId, sessionId: 's1', purpose: 'LOGIN' } },
        passkeyUsed('s1', 8),
        loginWith('s1'),
      ]);
  });
  t.test('an authenticator that keeps no counter (always 0) is accepted each time', async (t) => {
    const { decision } = user(t)
      .given([...withPasskey, otpIssued('s0'), passkeyUsed('s0', 0), otpIssued('s1')])
      .when(passkey('s1', assertion({ counter: 0 })));
    t.same(decision.rejection, undefined, 'is accepted');
    t.same(decision.events[1], passkeyUsed('s1', 0));
  });
  t.test('a removed passkey answers nothing', async (t) => {
    const removed: IdentityEvent = { type: 'PasskeyRemoved', data: { userId, credentialId: 'cred-1', removedAt: at } };
    user(t)
      .given([...withPasskey, removed, otpIssued('s1')])
      .when(passkey('s1'))
      .thenRejects('OTP_INVALID', [wrongCode('s1', 1)]);
  });
  t.test('the challenge is used once: a second assertion on it is refused', async (t) => {
    user(t)
      .given([
        ...withPasskey,
        otpIssued('s1'),
        { type: 'OtpVerified', data: { userId, sessionId: 's1', purpose: 'LOGIN' } },
      ])
      .when(passkey('s1', assertion({ counter: 2 })))
      .thenRejects('OTP_ALREADY_USED');
  });
  t.test('wrong SMS codes, wrong recovery codes and failed passkeys lock the account together', async (t) => {
    const sessions = ['a', 'b', 'c'];
    const nineWrong = sessions.flatMap((id) => [otpIssued(id), wrongCode(id, 1), wrongCode(id, 2), wrongCode(id, 3)]);
    user(t)
      .given([...withPasskey, ...nineWrong, otpIssued('d')])
      .when(passkey('d', assertion({ verified: false })))
      .thenRejects('ACCOUNT_LOCKED', [
        wrongCode('d', 1),
        { type: 'UserLockedOut', data: { userId, reason: 'OTP_FAILURES', consecutiveOtpFailures: 10 } },
      ]);
  });
  t.test("a failed passkey spends the challenge's attempts", async (t) => {
    user(t)
      .given([...withPasskey, otpIssued('s1'), wrongCode('s1', 1), wrongCode('s1', 2), wrongCode('s1', 3)])
      .when(passkey('s1'))
      .thenRejects('OTP_ATTEMPTS_EXHAUSTED');
  });
  t.test('a locked account takes no passkey on a login challenge, not even a right one', async (t) => {
    user(t)
      .given([...withPasskey, otpIssued('s1'), lockedOut])
      .when(passkey('s1'))
      .thenRejects('ACCOUNT_LOCKED');
  });
  t.test('a passkey completes a step-up on its own', async (t) => {
    const asked: IdentityEvent[] = [
      { type: 'StepUpRequested', data: { userId, stepUpId: 'u1', action: 'WITHDRAW', familyId, clientId } },
      otpIssued('u1', 'STEP_UP'),
    ];
    user(t)
      .given([...withPasskey, ...asked])
      .when(passkey('u1'))
      .then([
        { type: 'OtpVerified', data: { userId, sessionId: 'u1', purpose: 'STEP_UP' } },
        passkeyUsed('u1', 1),
        {
          type: 'StepUpCompleted',
          data: {
            userId,
            stepUpId: 'u1',
            tokenId: 'token-new',
            authTime: secondsAfter(10),
            expiresAt: secondsAfter(310),
            challengeType: 'PASSKEY',
          },
        },
      ]);
  });
  t.test(
    "a password reset and a new number's code need their SMS: a passkey is refused, nothing counted",
    async (t) => {
      user(t)
        .given([
          ...withPasskey,
          { type: 'PasswordResetStarted', data: { userId, sessionId: 'r1' } },
          otpIssued('r1', 'PASSWORD_RESET'),
        ])
        .when(passkey('r1'))
        .thenRejects('CHALLENGE_TYPE_MISMATCH');
      user(t)
        .given([...withPasskey, otpIssued('p1', 'PHONE_NUMBER_CHANGE')])
        .when(passkey('p1'))
        .thenRejects('CHALLENGE_TYPE_MISMATCH');
    },
  );
});
