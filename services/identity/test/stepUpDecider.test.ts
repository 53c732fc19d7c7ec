/**
 * Step-up with dynamic linking: the password (under the login lock), a code
 * bound to one action and transaction (under the attempt cap, SMS budget and
 * account lock), and a token consumed once, by its own client, for that
 * action and transaction only.
 */
import t from 'tap';
import type { IdentityEvent } from '@tessera/contracts';
import {
  clientId,
  loginLock,
  now,
  otp,
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
const txn = 'hash-of-150-EUR-to-9f3a';
const loggedIn = [registered(), sessionStarted(familyId, 'refresh-1')];

function startStepUp(passwordMatches: boolean, overrides: { familyId?: string; now?: string } = {}) {
  return {
    type: 'StartStepUp' as const,
    passwordMatches,
    stepUpId: 'u1',
    action: 'WITHDRAW' as const,
    transactionHash: txn,
    transaction: '{"amount":"150","currency":"EUR","destination":"…9f3a"}',
    familyId,
    clientId,
    otp: otp(),
    now,
    loginLock,
    ...overrides,
  };
}

function stepUpRequested(stepUpId = 'u1', through = clientId): IdentityEvent {
  const { transaction } = startStepUp(true);
  const data = { userId, stepUpId, action: 'WITHDRAW' as const, transactionHash: txn, transaction, familyId };
  return { type: 'StepUpRequested', data: { ...data, clientId: through } };
}

const stepUpCompleted = (stepUpId = 'u1'): IdentityEvent => ({
  type: 'StepUpCompleted',
  data: { userId, stepUpId, tokenId: 'token-1', authTime: secondsAfter(10), expiresAt: secondsAfter(310) },
});

/** The completion a right answer at ten seconds records. */
const completedBy = (challengeType: 'SMS_OTP' | 'PASSKEY', stepUpId = 'u1'): IdentityEvent => ({
  type: 'StepUpCompleted',
  data: {
    userId,
    stepUpId,
    tokenId: 'token-new',
    authTime: secondsAfter(10),
    expiresAt: secondsAfter(310),
    challengeType,
  },
});

/** A step-up asked, its code sent and verified: a token waiting to be consumed. */
const completed = [...loggedIn, stepUpRequested(), otpIssued('u1', 'STEP_UP'), stepUpCompleted()];

function consume(
  overrides: Partial<{
    tokenId: string;
    stepUpId: string;
    action: 'WITHDRAW' | 'CONVERT';
    transactionHash: string;
    clientId: string;
    now: string;
  }> = {},
) {
  return {
    type: 'ConsumeStepUp' as const,
    tokenId: 'token-1',
    stepUpId: 'u1',
    action: 'WITHDRAW' as const,
    transactionHash: txn,
    clientId,
    now: secondsAfter(60),
    ...overrides,
  };
}

const failed = (consecutiveFailures: number): IdentityEvent => ({
  type: 'LoginFailed',
  data: { userId, consecutiveFailures },
});
const passwordChanged: IdentityEvent = { type: 'PasswordChanged', data: { userId, sessionId: 'r1' } };
const phoneNumberChanged: IdentityEvent = {
  type: 'PhoneNumberChanged',
  data: { userId, sessionId: 'p1', phoneNumber: '+33612345699', coolingOffUntil: secondsAfter(86_400) },
};
const loggedOut: IdentityEvent = { type: 'SessionsRevoked', data: { userId, familyIds: [familyId], reason: 'LOGOUT' } };
const lockedOut: IdentityEvent = {
  type: 'UserLockedOut',
  data: { userId, reason: 'OTP_FAILURES', consecutiveOtpFailures: 10 },
};

t.test('asking for a step-up', async (t) => {
  t.test('the right password on a live login records the step-up and sends a code that states it', async (t) => {
    user(t)
      .given(loggedIn)
      .when(startStepUp(true))
      .then([stepUpRequested(), otpIssued('u1', 'STEP_UP')]);
  });
  t.test('a wrong password counts towards the login lock, as at login', async (t) => {
    user(t)
      .given([...loggedIn, failed(1)])
      .when(startStepUp(false))
      .thenRejects('INVALID_CREDENTIALS', [failed(2)]);
    const lockedUntil = secondsAfter(60);
    user(t)
      .given([...loggedIn, failed(1), failed(2), failed(3), failed(4)])
      .when(startStepUp(false))
      .thenRejects('INVALID_CREDENTIALS', [
        failed(5),
        { type: 'LoginTemporarilyLocked', data: { userId, consecutiveFailures: 5, lockedUntil } },
      ]);
  });
  t.test('while login is locked even the right password is refused, and nothing is counted', async (t) => {
    const locked: IdentityEvent = {
      type: 'LoginTemporarilyLocked',
      data: { userId, consecutiveFailures: 5, lockedUntil: secondsAfter(60) },
    };
    const { decision } = user(t)
      .given([...loggedIn, failed(5), locked])
      .when(startStepUp(true));
    t.equal(decision.rejection?.error, 'LOGIN_TEMPORARILY_LOCKED');
    t.equal(decision.rejection?.retryAfterSeconds, 60, 'says how long to wait');
    t.same(decision.events, [], 'records nothing');
  });
  t.test('a locked account is told only to the right password', async (t) => {
    user(t)
      .given([...loggedIn, lockedOut])
      .when(startStepUp(true))
      .thenRejects('ACCOUNT_LOCKED');
    user(t)
      .given([...loggedIn, lockedOut])
      .when(startStepUp(false))
      .thenRejects('INVALID_CREDENTIALS', [failed(1)]);
  });
  t.test('a login that ended, or another client asking from it, asks for nothing and counts no password', async (t) => {
    user(t)
      .given([...loggedIn, loggedOut])
      .when(startStepUp(false))
      .thenRejects('UNAUTHENTICATED');
    user(t)
      .given(loggedIn)
      .when(startStepUp(true, { familyId: 'family-2' }))
      .thenRejects('UNAUTHENTICATED');
    user(t)
      .given(loggedIn)
      .when(startStepUp(true, { now: secondsAfter(86400) }))
      .thenRejects('UNAUTHENTICATED');
    user(t)
      .given(loggedIn)
      .when({ ...startStepUp(false), clientId: 'client-2' })
      .thenRejects('UNAUTHENTICATED', [], "another client's step-up on this login");
  });
  t.test('the SMS budget holds the code back and the answer looks the same', async (t) => {
    const smsBudget = { perWindow: 1, windowSeconds: 900, perDay: 10 };
    const { decision } = user(t)
      .given([...loggedIn, otpIssued('s0')])
      .when({ ...startStepUp(true), smsBudget });
    t.same(decision.rejection, undefined, 'is accepted');
    t.same(
      decision.events.map((event) => event.type),
      ['StepUpRequested', 'OtpSendingSuppressed'],
    );
  });
  t.test('the right password clears the wrong-password count, as a login does', async (t) => {
    user(t)
      .given([...loggedIn, failed(3), stepUpRequested(), otpIssued('u1', 'STEP_UP')])
      .when(startStepUp(false, { now: secondsAfter(1) }))
      .thenRejects('INVALID_CREDENTIALS', [failed(1)]);
  });
  t.test('a user who is not there is answered like a dead token', async (t) => {
    user(t).given([]).when(startStepUp(true)).thenRejects('UNAUTHENTICATED');
  });
});

t.test("a step-up's code", async (t) => {
  const asked = [...loggedIn, stepUpRequested(), otpIssued('u1', 'STEP_UP')];
  t.test(
    'the right code completes the step-up, recording that the SMS code answered, and starts no session',
    async (t) => {
      user(t)
        .given(asked)
        .when(verifyCommand('u1'))
        .then([
          { type: 'OtpVerified', data: { userId, sessionId: 'u1', purpose: 'STEP_UP' } },
          { type: 'PhoneNumberVerified', data: { userId } },
          completedBy('SMS_OTP'),
        ]);
    },
  );
  t.test('a wrong code counts on the challenge and towards the account lock', async (t) => {
    user(t)
      .given(asked)
      .when(verifyCommand('u1', 'wrong'))
      .thenRejects('OTP_INVALID', [wrongCode('u1', 1)]);
    const { decision } = user(t)
      .given(asked)
      .when({ ...verifyCommand('u1', 'wrong'), accountLockThreshold: 1 });
    t.equal(decision.rejection?.error, 'ACCOUNT_LOCKED', 'the lock reached on a step-up locks the account');
    t.same(decision.events[1], {
      type: 'UserLockedOut',
      data: { userId, reason: 'OTP_FAILURES', consecutiveOtpFailures: 1 },
    });
  });
  t.test('after three wrong codes the step-up is dead, even for the right code', async (t) => {
    user(t)
      .given([...asked, wrongCode('u1', 1), wrongCode('u1', 2), wrongCode('u1', 3)])
      .when(verifyCommand('u1'))
      .thenRejects('OTP_ATTEMPTS_EXHAUSTED');
  });
  t.test('an expired code is refused', async (t) => {
    user(t)
      .given(asked)
      .when(verifyCommand('u1', 'hash-of-right-code', secondsAfter(300)))
      .thenRejects('OTP_EXPIRED');
  });
  t.test('a locked account takes no step-up code', async (t) => {
    user(t)
      .given([...asked, lockedOut])
      .when(verifyCommand('u1'))
      .thenRejects('ACCOUNT_LOCKED');
  });
  t.test(
    'once its login ended, the password or the phone number changed, the code is refused before it is compared',
    async (t) => {
      user(t)
        .given([...asked, loggedOut])
        .when(verifyCommand('u1', 'wrong'))
        .thenRejects('STEP_UP_SESSION_ENDED');
      user(t)
        .given([...asked, passwordChanged])
        .when(verifyCommand('u1'))
        .thenRejects('STEP_UP_SESSION_ENDED');
      user(t)
        .given([...asked, phoneNumberChanged])
        .when(verifyCommand('u1'))
        .thenRejects('STEP_UP_SESSION_ENDED');
    },
  );
  t.test('a resend states the same step-up, and stops once its login ended', async (t) => {
    const resend = {
      type: 'ResendOtp' as const,
      sessionId: 'u1',
      otp: otp(),
      cooldownSeconds: 30,
      now: secondsAfter(40),
    };
    user(t)
      .given(asked)
      .when(resend)
      .then([otpIssued('u1', 'STEP_UP', { issuedAt: secondsAfter(40) })]);
    user(t)
      .given([...asked, loggedOut])
      .when(resend)
      .thenRejects('STEP_UP_SESSION_ENDED');
    user(t)
      .given([...asked, lockedOut])
      .when(resend)
      .thenRejects('ACCOUNT_LOCKED');
  });
});

t.test('a step-up answered with a passkey', async (t) => {
  const passkeyRegistered: IdentityEvent = {
    type: 'PasskeyRegistered',
    data: {
      userId,
      credentialId: 'cred-1',
      publicKey: 'cose-key-1',
      counter: 0,
      transports: ['internal'],
      clientId,
      registeredAt: now,
      authorisedBy: 'PASSWORD',
    },
  };
  const withPasskey = [...loggedIn, passkeyRegistered];
  const asked = [...withPasskey, stepUpRequested(), otpIssued('u1', 'STEP_UP')];
  /**
   * The handler verifies the assertion against the challenge bound to this step-up and its transaction's hash;
   * `verified: false` is what it finds for an assertion signed over any other challenge (another transaction's).
   */
  const passkey = (verified = true, counter = 1, at = secondsAfter(10)) => ({
    ...verifyCommand('u1', '', at),
    challengeType: 'PASSKEY' as const,
    passkey: { credentialId: 'cred-1', verified, counter },
  });
  const passkeyUsed = (counter: number): IdentityEvent => ({
    type: 'PasskeyUsed',
    data: { userId, sessionId: 'u1', credentialId: 'cred-1', counter },
  });
  const verified: IdentityEvent = { type: 'OtpVerified', data: { userId, sessionId: 'u1', purpose: 'STEP_UP' } };

  t.test('an assertion over its challenge completes it, records the passkey, and verifies no phone', async (t) => {
    user(t)
      .given(asked)
      .when(passkey())
      .then([verified, passkeyUsed(1), completedBy('PASSKEY')]);
  });
  t.test('it completes the step-up once: a second assertion, or the SMS code after it, is refused', async (t) => {
    const answered = [...asked, verified, passkeyUsed(1), completedBy('PASSKEY')];
    user(t).given(answered).when(passkey(true, 2)).thenRejects('OTP_ALREADY_USED');
    user(t).given(answered).when(verifyCommand('u1')).thenRejects('OTP_ALREADY_USED');
  });
  t.test("an assertion over another transaction's challenge is a wrong code, counted towards the lock", async (t) => {
    user(t)
      .given(asked)
      .when(passkey(false))
      .thenRejects('OTP_INVALID', [wrongCode('u1', 1)]);
    const { decision } = user(t)
      .given(asked)
      .when({ ...passkey(false), accountLockThreshold: 1 });
    t.equal(decision.rejection?.error, 'ACCOUNT_LOCKED', 'the lock reached on a step-up locks the account');
  });
  t.test('wrong SMS codes and failed assertions share the three attempts', async (t) => {
    user(t)
      .given([...asked, wrongCode('u1', 1), wrongCode('u1', 2)])
      .when(passkey(false))
      .thenRejects('OTP_INVALID', [wrongCode('u1', 3)]);
    user(t)
      .given([...asked, wrongCode('u1', 1), wrongCode('u1', 2), wrongCode('u1', 3)])
      .when(passkey())
      .thenRejects('OTP_ATTEMPTS_EXHAUSTED');
  });
  t.test('a passkey answers even when the SMS budget held the code back', async (t) => {
    const heldBack: IdentityEvent = {
      type: 'OtpSendingSuppressed',
      data: {
        userId,
        sessionId: 'u1',
        purpose: 'STEP_UP',
        reason: 'SMS_BUDGET',
        issuedAt: now,
        expiresAt: secondsAfter(300),
        maxAttempts: 3,
      },
    };
    user(t)
      .given([...withPasskey, stepUpRequested(), heldBack])
      .when(passkey())
      .then([verified, passkeyUsed(1), completedBy('PASSKEY')]);
  });
  t.test('once its login ended, or its time passed, a passkey is refused as a code is', async (t) => {
    user(t)
      .given([...asked, loggedOut])
      .when(passkey())
      .thenRejects('STEP_UP_SESSION_ENDED');
    user(t)
      .given(asked)
      .when(passkey(true, 1, secondsAfter(300)))
      .thenRejects('OTP_EXPIRED');
  });
  t.test('after a phone number change, having a passkey does not lift the cooling-off', async (t) => {
    const changed: IdentityEvent = {
      type: 'PhoneNumberChanged',
      data: {
        userId,
        sessionId: 'p1',
        phoneNumber: '+33687654321',
        sealedNotice: 'sealed-notice',
        coolingOffUntil: secondsAfter(86400),
      },
    };
    for (const action of ['WITHDRAW', 'ADD_BENEFICIARY'] as const) {
      const { decision } = user(t)
        .given([...withPasskey, changed])
        .when({ ...startStepUp(true), action, now: secondsAfter(60) });
      t.same(decision.rejection, { error: 'STEP_UP_COOLING_OFF', retryAfterSeconds: 86340 }, `${action} is refused`);
      t.same(
        decision.events.map((event) => event.type),
        ['StepUpRefused'],
        'no code is sent and no challenge opened for a passkey to answer',
      );
    }
  });
});

t.test('consuming a step-up token', async (t) => {
  t.test('the asking client consumes it once, for its action and transaction', async (t) => {
    user(t)
      .given(completed)
      .when(consume())
      .then([{ type: 'StepUpConsumed', data: { userId, stepUpId: 'u1', tokenId: 'token-1', clientId } }]);
  });
  t.test('an unknown step-up, another token id, a step-up not completed or another client: invalid', async (t) => {
    user(t)
      .given(completed)
      .when(consume({ stepUpId: 'u2' }))
      .thenRejects('STEP_UP_TOKEN_INVALID');
    user(t)
      .given(completed)
      .when(consume({ tokenId: 'token-2' }))
      .thenRejects('STEP_UP_TOKEN_INVALID');
    user(t).given(completed.slice(0, -1)).when(consume()).thenRejects('STEP_UP_TOKEN_INVALID');
    user(t)
      .given(completed)
      .when(consume({ clientId: 'client-2' }))
      .thenRejects('STEP_UP_TOKEN_INVALID');
  });
  t.test('a consumed token is refused as used', async (t) => {
    const consumed: IdentityEvent = {
      type: 'StepUpConsumed',
      data: { userId, stepUpId: 'u1', tokenId: 'token-1', clientId },
    };
    user(t)
      .given([...completed, consumed])
      .when(consume())
      .thenRejects('STEP_UP_TOKEN_ALREADY_USED');
  });
  t.test('an expired token is refused', async (t) => {
    user(t)
      .given(completed)
      .when(consume({ now: secondsAfter(310) }))
      .thenRejects('STEP_UP_TOKEN_EXPIRED');
  });
  t.test('its login ended, the password changed or the account locked: revoked', async (t) => {
    user(t)
      .given([...completed, loggedOut])
      .when(consume())
      .thenRejects('STEP_UP_TOKEN_REVOKED');
    user(t)
      .given([...completed, passwordChanged])
      .when(consume())
      .thenRejects('STEP_UP_TOKEN_REVOKED');
    user(t)
      .given([...completed, lockedOut])
      .when(consume())
      .thenRejects('STEP_UP_TOKEN_REVOKED');
  });
  t.test('a phone number changed since, even from the same login: revoked', async (t) => {
    user(t)
      .given([...completed, phoneNumberChanged])
      .when(consume())
      .thenRejects('STEP_UP_TOKEN_REVOKED');
  });
  t.test('another action or another transaction is refused, and the token stays usable', async (t) => {
    user(t)
      .given(completed)
      .when(consume({ action: 'CONVERT' }))
      .thenRejects('STEP_UP_ACTION_MISMATCH');
    user(t)
      .given(completed)
      .when(consume({ transactionHash: 'other' }))
      .thenRejects('STEP_UP_TRANSACTION_MISMATCH');
    const { transactionHash: _none, ...withoutTransaction } = consume();
    user(t).given(completed).when(withoutTransaction).thenRejects('STEP_UP_TRANSACTION_MISMATCH');
  });
  t.test('only the latest twenty step-ups are remembered', async (t) => {
    const newer = Array.from({ length: 20 }, (_, index) => stepUpRequested(`u${index + 2}`));
    user(t)
      .given([...completed, ...newer])
      .when(consume())
      .thenRejects('STEP_UP_TOKEN_INVALID');
    user(t)
      .given([...completed, ...newer.slice(1)])
      .when(consume())
      .then([{ type: 'StepUpConsumed', data: { userId, stepUpId: 'u1', tokenId: 'token-1', clientId } }]);
  });
  t.test('a user who is not there has no valid token', async (t) => {
    user(t).given([]).when(consume()).thenRejects('STEP_UP_TOKEN_INVALID');
  });
});
