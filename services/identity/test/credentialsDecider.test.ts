/** Credentials and codes: login, one-time codes, resends, password reset, the locks, the SMS budget and SMS reports. */
import t from 'tap';
import type { IdentityEvent } from '@tessera/contracts';
import { evolveUser, initialUserState } from '../src/domain/userState.ts';
import {
  clientId,
  loginCommand,
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

t.test('login', async (t) => {
  const startLogin = (passwordMatches: boolean) => loginCommand(passwordMatches);
  t.test('the right password issues a code on a new session', async (t) => {
    user(t)
      .given([registered()])
      .when(startLogin(true))
      .then([otpIssued('s1')]);
  });
  t.test('a wrong password is counted and refused', async (t) => {
    user(t)
      .given([registered(), { type: 'LoginFailed', data: { userId, consecutiveFailures: 1 } }])
      .when(startLogin(false))
      .thenRejects('INVALID_CREDENTIALS', [{ type: 'LoginFailed', data: { userId, consecutiveFailures: 2 } }]);
  });
  t.test(
    'only the right password clears the wrong-password count: a resend or a password reset does not',
    async (t) => {
      const failed = (consecutiveFailures: number) => ({
        type: 'LoginFailed' as const,
        data: { userId, consecutiveFailures },
      });
      const resetStarted = { type: 'PasswordResetStarted' as const, data: { userId, sessionId: 'r1' } };
      user(t)
        .given([
          registered(),
          otpIssued('s0'),
          failed(1),
          otpIssued('s0', 'LOGIN', { codeHash: 'resent' }),
          resetStarted,
          otpIssued('r1', 'PASSWORD_RESET'),
        ])
        .when(startLogin(false))
        .thenRejects('INVALID_CREDENTIALS', [failed(2)]);
      user(t)
        .given([registered(), failed(1), otpIssued('s0')])
        .when(startLogin(false))
        .thenRejects('INVALID_CREDENTIALS', [failed(1)]);
      const heldBack = {
        type: 'OtpSendingSuppressed' as const,
        data: { userId, sessionId: 's0', purpose: 'LOGIN' as const, reason: 'SMS_BUDGET' as const },
      };
      user(t)
        .given([registered(), failed(1), heldBack])
        .when(startLogin(false))
        .thenRejects('INVALID_CREDENTIALS', [failed(1)]);
    },
  );
  t.test('an unknown user gets the same refusal as a wrong password, and nothing is recorded', async (t) => {
    user(t).given([]).when(startLogin(false)).thenRejects('INVALID_CREDENTIALS');
  });
});

t.test('one-time code', async (t) => {
  t.test('the right code starts a session and verifies the phone the first time', async (t) => {
    user(t)
      .given([registered(), otpIssued('s1')])
      .when(verifyCommand('s1'))
      .then([
        { type: 'OtpVerified', data: { userId, sessionId: 's1', purpose: 'LOGIN' } },
        { type: 'PhoneNumberVerified', data: { userId } },
        {
          type: 'SessionStarted',
          data: {
            userId,
            sessionId: 's1',
            familyId: 'family-new',
            refreshTokenHash: 'refresh-new',
            expiresAt: secondsAfter(86400, secondsAfter(10)),
            clientId,
          },
        },
      ]);
  });
  t.test('a verified phone is not verified again', async (t) => {
    const { decision } = user(t)
      .given([registered(), { type: 'PhoneNumberVerified', data: { userId } }, otpIssued('s1')])
      .when(verifyCommand('s1'));
    t.same(
      decision.events.map((event) => event.type),
      ['OtpVerified', 'SessionStarted'],
    );
  });
  t.test('a wrong code is counted with the attempts left', async (t) => {
    user(t)
      .given([registered(), otpIssued('s1')])
      .when(verifyCommand('s1', 'wrong'))
      .thenRejects('OTP_INVALID', [wrongCode('s1', 1)]);
  });
  t.test('after three wrong codes the challenge is dead, even for the right code', async (t) => {
    user(t)
      .given([registered(), otpIssued('s1'), wrongCode('s1', 1), wrongCode('s1', 2), wrongCode('s1', 3)])
      .when(verifyCommand('s1'))
      .thenRejects('OTP_ATTEMPTS_EXHAUSTED');
  });
  t.test('an expired code is refused', async (t) => {
    user(t)
      .given([registered(), otpIssued('s1')])
      .when(verifyCommand('s1', 'hash-of-right-code', secondsAfter(300)))
      .thenRejects('OTP_EXPIRED');
  });
  t.test('a code works once', async (t) => {
    user(t)
      .given([
        registered(),
        otpIssued('s1'),
        { type: 'OtpVerified', data: { userId, sessionId: 's1', purpose: 'LOGIN' } },
      ])
      .when(verifyCommand('s1'))
      .thenRejects('OTP_ALREADY_USED');
  });
  t.test('a session of another user or no session at all is just a wrong code', async (t) => {
    user(t)
      .given([registered(), otpIssued('s1')])
      .when(verifyCommand('s-other'))
      .thenRejects('OTP_INVALID');
  });
  t.test(
    'a session id every object answers to, such as "constructor", names no challenge: nothing is counted, sent or staged',
    async (t) => {
      for (const sessionId of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
        user(t)
          .given([registered(), otpIssued('s1')])
          .when(verifyCommand(sessionId, 'wrong'))
          .thenRejects('OTP_INVALID');
        user(t)
          .given([registered(), otpIssued('s1')])
          .when({ type: 'ResendOtp', sessionId, otp: otp(), cooldownSeconds: 30, now: secondsAfter(60) })
          .thenRejects('OTP_INVALID');
        user(t)
          .given([registered()])
          .when({ type: 'StagePasswordChange', sessionId, passwordHash: 'new', now })
          .thenRejects('SESSION_NOT_RESETTABLE');
      }
    },
  );
});

t.test('resending a code', async (t) => {
  const resend = (at: string) => ({
    type: 'ResendOtp' as const,
    sessionId: 's1',
    otp: otp({ codeHash: 'new-hash', expiresAt: secondsAfter(300, at) }),
    cooldownSeconds: 30,
    now: at,
  });
  t.test('issues a new code on the same session and keeps the wrong-code count', async (t) => {
    const history = [registered(), otpIssued('s1'), wrongCode('s1', 1), wrongCode('s1', 2)];
    user(t)
      .given(history)
      .when(resend(secondsAfter(31)))
      .then([
        otpIssued('s1', 'LOGIN', { codeHash: 'new-hash', expiresAt: secondsAfter(331), issuedAt: secondsAfter(31) }),
      ]);
    const state = [...history, otpIssued('s1', 'LOGIN', { codeHash: 'new-hash' })].reduce(
      evolveUser,
      initialUserState(),
    );
    t.equal(state.challenges.s1?.failedAttempts, 2, 'the count survives the resend');
  });
  t.test('too soon after the last code is refused with the wait', async (t) => {
    const { decision } = user(t)
      .given([registered(), otpIssued('s1')])
      .when(resend(secondsAfter(10)));
    t.same(decision.rejection, { error: 'OTP_RESEND_TOO_SOON', retryAfterSeconds: 20 });
  });
  t.test('a dead challenge cannot be revived by a resend', async (t) => {
    user(t)
      .given([registered(), otpIssued('s1'), wrongCode('s1', 1), wrongCode('s1', 2), wrongCode('s1', 3)])
      .when(resend(secondsAfter(60)))
      .thenRejects('OTP_ATTEMPTS_EXHAUSTED');
  });
});

t.test('password reset', async (t) => {
  const stage = (sessionId: string, at = secondsAfter(20)) => ({
    type: 'StagePasswordChange' as const,
    sessionId,
    passwordHash: '$argon2id$new',
    now: at,
  });
  const resetIssued = [
    registered(),
    { type: 'PasswordResetStarted' as const, data: { userId, sessionId: 'r1' } },
    otpIssued('r1', 'PASSWORD_RESET'),
  ];
  const staged = {
    type: 'PasswordChangeStaged' as const,
    data: { userId, sessionId: 'r1', passwordHash: '$argon2id$new' },
  };
  t.test('starting a reset sends a code on a reset session', async (t) => {
    user(t)
      .given([registered()])
      .when({ type: 'StartPasswordReset', sessionId: 'r1', otp: otp(), now })
      .then([{ type: 'PasswordResetStarted', data: { userId, sessionId: 'r1' } }, otpIssued('r1', 'PASSWORD_RESET')]);
  });
  t.test('the new password is staged on the reset session', async (t) => {
    user(t).given(resetIssued).when(stage('r1')).then([staged]);
  });
  t.test('a login session cannot stage a password', async (t) => {
    user(t)
      .given([registered(), otpIssued('s1')])
      .when(stage('s1'))
      .thenRejects('SESSION_NOT_RESETTABLE');
  });
  t.test('the code cannot be confirmed before a password is staged, and no attempt is spent', async (t) => {
    user(t).given(resetIssued).when(verifyCommand('r1', 'wrong')).thenRejects('PASSWORD_NOT_STAGED');
  });
  t.test('the right code commits the password and revokes every live session', async (t) => {
    user(t)
      .given([...resetIssued, sessionStarted('f1', 'a'), sessionStarted('f2', 'b'), staged])
      .when(verifyCommand('r1'))
      .then([
        { type: 'OtpVerified', data: { userId, sessionId: 'r1', purpose: 'PASSWORD_RESET' } },
        { type: 'PhoneNumberVerified', data: { userId } },
        { type: 'PasswordChanged', data: { userId, sessionId: 'r1' } },
        { type: 'SessionsRevoked', data: { userId, familyIds: ['f1', 'f2'], reason: 'PASSWORD_CHANGED' } },
      ]);
    const state = [
      ...resetIssued,
      staged,
      { type: 'PasswordChanged' as const, data: { userId, sessionId: 'r1' } },
    ].reduce(evolveUser, initialUserState());
    t.equal(state.passwordHash, '$argon2id$new', 'the staged hash becomes the password');
  });
});

t.test('SMS outcomes', async (t) => {
  const dispatched = {
    type: 'SmsDispatched' as const,
    sourceEventId: 'otp-event-1',
    purpose: 'OTP' as const,
    provider: 'plivo',
    providerMessageId: 'm-1',
  };
  t.test("what became of an SMS is recorded in the user's stream", async (t) => {
    user(t)
      .given([registered()])
      .when({ type: 'RecordSmsOutcome', outcome: dispatched })
      .then([
        {
          type: 'SmsDispatched',
          data: { userId, sourceEventId: 'otp-event-1', purpose: 'OTP', provider: 'plivo', providerMessageId: 'm-1' },
        },
      ]);
  });
  t.test('an outcome reported twice is recorded once', async (t) => {
    user(t)
      .given([registered(), { type: 'SmsDispatched', data: { userId, ...dispatched } }])
      .when({ type: 'RecordSmsOutcome', outcome: dispatched })
      .then([]);
  });
  t.test('each delivery status of one SMS is recorded', async (t) => {
    const report = (status: string) => ({
      type: 'SmsDeliveryReported' as const,
      sourceEventId: 'otp-event-1',
      providerMessageId: 'm-1',
      status,
    });
    const { decision } = user(t)
      .given([registered(), { type: 'SmsDeliveryReported', data: { userId, ...report('sent') } }])
      .when({ type: 'RecordSmsOutcome', outcome: report('delivered') });
    t.same(
      decision.events.map((event) => event.type),
      ['SmsDeliveryReported'],
    );
  });
});

t.test('a committed password change carries the sealed notice for the "password changed" SMS', async (t) => {
  const { decision } = user(t)
    .given([
      registered(),
      { type: 'PasswordResetStarted', data: { userId, sessionId: 'r1' } },
      otpIssued('r1', 'PASSWORD_RESET'),
      { type: 'PasswordChangeStaged', data: { userId, sessionId: 'r1', passwordHash: '$argon2id$new' } },
    ])
    .when({ ...verifyCommand('r1'), passwordChangedNotice: 'sealed-notice' });
  t.match(
    decision.events.find((event) => event.type === 'PasswordChanged'),
    { data: { sealedNotice: 'sealed-notice' } },
  );
});

t.test('account lock after consecutive wrong codes', async (t) => {
  /** Nine wrong codes spread over three challenges (three each), so no challenge alone is at its limit. */
  const nineWrongCodes = ['a', 'b', 'c'].flatMap((sessionId) => [
    otpIssued(sessionId),
    wrongCode(sessionId, 1),
    wrongCode(sessionId, 2),
    wrongCode(sessionId, 3),
  ]);
  t.test('the tenth wrong code in a row, across challenges, locks the account', async (t) => {
    user(t)
      .given([registered(), ...nineWrongCodes, otpIssued('d')])
      .when(verifyCommand('d', 'wrong'))
      .thenRejects('ACCOUNT_LOCKED', [
        wrongCode('d', 1),
        { type: 'UserLockedOut', data: { userId, reason: 'OTP_FAILURES', consecutiveOtpFailures: 10 } },
      ]);
  });
  t.test('a right code in between starts the count again', async (t) => {
    const { decision } = user(t)
      .given([
        registered(),
        ...nineWrongCodes,
        otpIssued('d'),
        { type: 'OtpVerified', data: { userId, sessionId: 'd', purpose: 'LOGIN' } },
        otpIssued('e'),
      ])
      .when(verifyCommand('e', 'wrong'));
    t.equal(decision.rejection?.error, 'OTP_INVALID');
  });
  t.test('resends do not reset the count', async (t) => {
    const resent = { ...otpIssued('a'), data: { ...(otpIssued('a').data as object), codeHash: 'new' } } as never;
    const state = [registered(), ...nineWrongCodes, resent].reduce(evolveUser, initialUserState());
    t.equal(state.consecutiveOtpFailures, 9);
  });
  const locked = [
    registered(),
    ...nineWrongCodes,
    otpIssued('d'),
    wrongCode('d', 1),
    { type: 'UserLockedOut' as const, data: { userId, reason: 'OTP_FAILURES' as const, consecutiveOtpFailures: 10 } },
  ];
  t.test('a locked account gets no new login code, even with the right password', async (t) => {
    user(t)
      .given(locked)
      .when(loginCommand(true, { sessionId: 's9' }))
      .thenRejects('ACCOUNT_LOCKED');
  });
  t.test('a locked account gets no new code on a login challenge still open, by a resend', async (t) => {
    user(t)
      .given(locked)
      .when({
        type: 'ResendOtp',
        sessionId: 'd',
        otp: otp({ codeHash: 'new-hash' }),
        cooldownSeconds: 30,
        now: secondsAfter(60),
      })
      .thenRejects('ACCOUNT_LOCKED');
  });
  t.test('a locked account still answers a wrong password the usual way', async (t) => {
    const { decision } = user(t)
      .given(locked)
      .when(loginCommand(false, { sessionId: 's9' }));
    t.equal(decision.rejection?.error, 'INVALID_CREDENTIALS');
  });
  t.test('a password reset unlocks it', async (t) => {
    const state = [
      ...locked,
      { type: 'PasswordResetStarted' as const, data: { userId, sessionId: 'r1' } },
      otpIssued('r1', 'PASSWORD_RESET'),
      { type: 'PasswordChangeStaged' as const, data: { userId, sessionId: 'r1', passwordHash: 'new' } },
      { type: 'OtpVerified' as const, data: { userId, sessionId: 'r1', purpose: 'PASSWORD_RESET' as const } },
      { type: 'PasswordChanged' as const, data: { userId, sessionId: 'r1' } },
    ].reduce(evolveUser, initialUserState());
    t.equal(state.lockedOut, false);
    user(t)
      .given([...locked, { type: 'PasswordChanged', data: { userId, sessionId: 'r1' } }])
      .when(loginCommand(true, { sessionId: 's9' }))
      .then([otpIssued('s9')]);
  });
});

t.test('SMS budget per phone', async (t) => {
  const budget = { perWindow: 3, windowSeconds: 900, perDay: 10 };
  const issuedAt = (seconds: number) => otpIssued(`s${seconds}`, 'LOGIN', { issuedAt: secondsAfter(seconds) });
  const login = (at: string) => loginCommand(true, { sessionId: 'next', now: at, smsBudget: budget });
  t.test('a fourth code within 15 minutes is not made, and nothing tells the caller', async (t) => {
    user(t)
      .given([registered(), issuedAt(0), issuedAt(60), issuedAt(120)])
      .when(login(secondsAfter(180)))
      .then([
        {
          type: 'OtpSendingSuppressed',
          data: {
            userId,
            sessionId: 'next',
            purpose: 'LOGIN',
            reason: 'SMS_BUDGET',
            issuedAt: secondsAfter(180),
            expiresAt: otp().expiresAt,
            maxAttempts: 3,
          },
        },
      ]);
  });
  const heldBack = (sessionId: string, purpose: 'LOGIN' | 'PASSWORD_RESET' = 'LOGIN', at = now): IdentityEvent => ({
    type: 'OtpSendingSuppressed',
    data: {
      userId,
      sessionId,
      purpose,
      reason: 'SMS_BUDGET',
      issuedAt: at,
      expiresAt: secondsAfter(300, at),
      maxAttempts: 3,
    },
  });
  t.test('a session whose code was held back closes after three codes, like one whose code was sent', async (t) => {
    user(t)
      .given([registered(), heldBack('s1')])
      .when(verifyCommand('s1', 'any guess'))
      .thenRejects('OTP_INVALID', [wrongCode('s1', 1)]);
    user(t)
      .given([registered(), heldBack('s1'), wrongCode('s1', 1), wrongCode('s1', 2), wrongCode('s1', 3)])
      .when(verifyCommand('s1', 'any guess'))
      .thenRejects('OTP_ATTEMPTS_EXHAUSTED');
  });
  t.test('a session whose code was held back expires like one whose code was sent', async (t) => {
    user(t)
      .given([registered(), heldBack('s1')])
      .when(verifyCommand('s1', 'any guess', secondsAfter(301)))
      .thenRejects('OTP_EXPIRED');
  });
  t.test(
    'a held-back reset session takes a new password and throttles resends, like one whose code was sent',
    async (t) => {
      const reset = [
        registered(),
        { type: 'PasswordResetStarted' as const, data: { userId, sessionId: 'r1' } },
        heldBack('r1', 'PASSWORD_RESET'),
      ];
      user(t)
        .given(reset)
        .when({ type: 'StagePasswordChange', sessionId: 'r1', passwordHash: '$argon2id$new', now: secondsAfter(5) })
        .then([{ type: 'PasswordChangeStaged', data: { userId, sessionId: 'r1', passwordHash: '$argon2id$new' } }]);
      const tooSoon = user(t)
        .given(reset)
        .when({
          type: 'ResendOtp',
          sessionId: 'r1',
          otp: otp(),
          cooldownSeconds: 30,
          now: secondsAfter(10),
          smsBudget: budget,
        });
      t.same(tooSoon.decision.rejection, { error: 'OTP_RESEND_TOO_SOON', retryAfterSeconds: 20 });
    },
  );
  t.test('after the window, codes flow again', async (t) => {
    const { decision } = user(t)
      .given([registered(), issuedAt(0), issuedAt(60), issuedAt(120)])
      .when(login(secondsAfter(960)));
    t.equal(decision.events[0]?.type, 'OtpIssued');
  });
  t.test('ten codes in a day is the most, however spread', async (t) => {
    const day = Array.from({ length: 10 }, (_, index) => issuedAt(index * 1000));
    const { decision } = user(t)
      .given([registered(), ...day])
      .when(login(secondsAfter(20_000)));
    t.equal(decision.events[0]?.type, 'OtpSendingSuppressed');
  });
  t.test('the budget covers resends and password resets too', async (t) => {
    const spent = [registered(), issuedAt(0), issuedAt(60), otpIssued('r', 'LOGIN', { issuedAt: secondsAfter(100) })];
    const resend = user(t)
      .given(spent)
      .when({
        type: 'ResendOtp',
        sessionId: 'r',
        otp: otp(),
        cooldownSeconds: 30,
        now: secondsAfter(200),
        smsBudget: budget,
      });
    t.equal(resend.decision.events[0]?.type, 'OtpSendingSuppressed');
    const reset = user(t)
      .given(spent)
      .when({ type: 'StartPasswordReset', sessionId: 'x', otp: otp(), now: secondsAfter(200), smsBudget: budget });
    t.same(
      reset.decision.events.map((event) => event.type),
      ['PasswordResetStarted', 'OtpSendingSuppressed'],
    );
  });
});

t.test('wrong passwords lock login for growing delays', async (t) => {
  const failed = (consecutiveFailures: number) => ({
    type: 'LoginFailed' as const,
    data: { userId, consecutiveFailures },
  });
  const locked = (consecutiveFailures: number, lockedUntil: string) => ({
    type: 'LoginTemporarilyLocked' as const,
    data: { userId, consecutiveFailures, lockedUntil },
  });
  const fourWrong = [registered(), failed(1), failed(2), failed(3), failed(4)];
  const firstLock = [...fourWrong, failed(5), locked(5, secondsAfter(60))];

  t.test('the fifth wrong password in a row locks login for a minute', async (t) => {
    user(t)
      .given(fourWrong)
      .when(loginCommand(false))
      .thenRejects('INVALID_CREDENTIALS', [failed(5), locked(5, secondsAfter(60))]);
  });
  t.test(
    'during the lock even the right password is refused with the seconds left, and nothing is counted',
    async (t) => {
      const { decision } = user(t)
        .given(firstLock)
        .when(loginCommand(true, { now: secondsAfter(20) }));
      t.same(decision.rejection, { error: 'LOGIN_TEMPORARILY_LOCKED', retryAfterSeconds: 40 });
      t.same(decision.events, [], 'records nothing');
    },
  );
  t.test('each wrong password after a lock doubles it, up to an hour', async (t) => {
    user(t)
      .given(firstLock)
      .when(loginCommand(false, { now: secondsAfter(60) }))
      .thenRejects('INVALID_CREDENTIALS', [failed(6), locked(6, secondsAfter(60 + 120))]);
    const locks: number[] = [];
    let history: IdentityEvent[] = fourWrong;
    let at = now;
    for (let attempt = 0; attempt < 9; attempt += 1) {
      const { decision } = user(t)
        .given(history)
        .when(loginCommand(false, { now: at }));
      const lock = decision.events.find((event) => event.type === 'LoginTemporarilyLocked');
      if (lock?.type !== 'LoginTemporarilyLocked') throw new Error('no lock');
      locks.push((Date.parse(lock.data.lockedUntil) - Date.parse(at)) / 1000);
      history = [...history, ...decision.events];
      at = lock.data.lockedUntil;
    }
    t.same(locks, [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
  });
  t.test('once the lock is over the right password logs in and clears the count', async (t) => {
    user(t)
      .given(firstLock)
      .when(loginCommand(true, { now: secondsAfter(60) }))
      .then([otpIssued('s1', 'LOGIN', { issuedAt: secondsAfter(60) })]);
    const state = [...firstLock, otpIssued('s1')].reduce(evolveUser, initialUserState());
    t.equal(state.consecutiveLoginFailures, 0);
    t.equal(state.loginLockedUntil, undefined);
    user(t)
      .given([...firstLock, otpIssued('s1')])
      .when(loginCommand(false, { now: secondsAfter(61) }))
      .thenRejects('INVALID_CREDENTIALS', [failed(1)]);
  });
  t.test('a password-reset code, which needs no password, does not clear the count', async (t) => {
    user(t)
      .given([
        ...fourWrong,
        { type: 'PasswordResetStarted', data: { userId, sessionId: 'r1' } },
        otpIssued('r1', 'PASSWORD_RESET'),
      ])
      .when(loginCommand(false))
      .thenRejects('INVALID_CREDENTIALS', [failed(5), locked(5, secondsAfter(60))]);
  });
  t.test('the right password held back by the SMS budget still clears the count', async (t) => {
    user(t)
      .given([
        ...fourWrong,
        {
          type: 'OtpSendingSuppressed',
          data: {
            userId,
            sessionId: 's0',
            purpose: 'LOGIN',
            reason: 'SMS_BUDGET',
            issuedAt: now,
            expiresAt: secondsAfter(300),
            maxAttempts: 3,
          },
        },
      ])
      .when(loginCommand(false))
      .thenRejects('INVALID_CREDENTIALS', [failed(1)]);
  });
  t.test('a committed password reset lifts the lock', async (t) => {
    user(t)
      .given([...firstLock, { type: 'PasswordChanged', data: { userId, sessionId: 'r1' } }])
      .when(loginCommand(true, { now: secondsAfter(10) }))
      .then([otpIssued('s1', 'LOGIN', { issuedAt: secondsAfter(10) })]);
  });
});
