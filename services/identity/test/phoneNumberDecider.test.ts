/**
 * Changing the phone number: the password (checked as at login) or a step-up
 * token bound to the new number, a code to the new number within its own SMS
 * budget, the commit by that code (the number reserved, the old one told,
 * other logins ended), and the cooling-off that holds money-moving step-ups
 * back after a change.
 */
import t from 'tap';
import type { IdentityEvent } from '@tessera/contracts';
import type { PhoneNumberChangeProof } from '../src/domain/phoneNumberDecider.ts';
import { evolveUser, initialUserState } from '../src/domain/userState.ts';
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

const stateAfter = (events: IdentityEvent[]) => events.reduce(evolveUser, initialUserState());
const familyId = 'family-1';
const otherFamilyId = 'family-2';
const newNumber = '+33687654321';
const loggedIn = [
  registered(),
  sessionStarted(familyId, 'refresh-1', secondsAfter(30 * 86400)),
  sessionStarted(otherFamilyId, 'refresh-2'),
];
const password = (passwordMatches: boolean): PhoneNumberChangeProof => ({
  type: 'PASSWORD',
  passwordMatches,
  loginLock,
});
const stepUpProof: PhoneNumberChangeProof = {
  type: 'STEP_UP',
  stepUpId: 'u1',
  tokenId: 'token-1',
  transactionHash: 'hash-of-new-number',
};

function startChange(
  overrides: Partial<{ proof: PhoneNumberChangeProof; numberTaken: boolean; phoneNumber: string; now: string }> = {},
) {
  return {
    type: 'StartPhoneNumberChange' as const,
    sessionId: 'p1',
    phoneNumber: newNumber,
    familyId,
    clientId,
    proof: password(true),
    numberTaken: false,
    otp: otp(),
    now,
    smsBudget: { perWindow: 3, windowSeconds: 900, perDay: 10 },
    ...overrides,
  };
}

const requested = (proof: 'PASSWORD' | 'STEP_UP' = 'PASSWORD', sessionId = 'p1'): IdentityEvent => ({
  type: 'PhoneNumberChangeRequested',
  data: { userId, sessionId, phoneNumber: newNumber, familyId, clientId, proof },
});
const asked = [...loggedIn, requested(), otpIssued('p1', 'PHONE_NUMBER_CHANGE')];

function commit(
  overrides: Partial<ReturnType<typeof verifyCommand>> & {
    newNumberReserved?: boolean;
    coolingOffSeconds?: number;
  } = {},
) {
  return {
    ...verifyCommand('p1'),
    newNumberReserved: true,
    phoneNumberChangedNotice: 'sealed-notice',
    coolingOffSeconds: 86400,
    ...overrides,
  };
}

const changed = (at = secondsAfter(10)): IdentityEvent => ({
  type: 'PhoneNumberChanged',
  data: {
    userId,
    sessionId: 'p1',
    phoneNumber: newNumber,
    sealedNotice: 'sealed-notice',
    coolingOffUntil: secondsAfter(86400, at),
  },
});
const failed = (consecutiveFailures: number): IdentityEvent => ({
  type: 'LoginFailed',
  data: { userId, consecutiveFailures },
});

t.test('asking to change the phone number', async (t) => {
  t.test('the right password sends a code to the new number', async (t) => {
    user(t)
      .given(loggedIn)
      .when(startChange())
      .then([requested(), otpIssued('p1', 'PHONE_NUMBER_CHANGE')]);
  });
  t.test('a wrong password counts towards the login lock, as at login, and sends nothing', async (t) => {
    user(t)
      .given([...loggedIn, failed(2)])
      .when(startChange({ proof: password(false) }))
      .thenRejects('INVALID_CREDENTIALS', [failed(3)]);
  });
  t.test('a login that ended proves nothing, and nothing is counted', async (t) => {
    const loggedOut: IdentityEvent = {
      type: 'SessionsRevoked',
      data: { userId, familyIds: [familyId], reason: 'LOGOUT' },
    };
    user(t)
      .given([...loggedIn, loggedOut])
      .when(startChange({ proof: password(false) }))
      .thenRejects('UNAUTHENTICATED');
  });
  t.test("another user's number is refused after the password, before any code", async (t) => {
    user(t)
      .given(loggedIn)
      .when(startChange({ numberTaken: true }))
      .thenRejects('PHONE_NUMBER_TAKEN');
    user(t)
      .given(loggedIn)
      .when(startChange({ numberTaken: true, proof: password(false) }))
      .thenRejects('INVALID_CREDENTIALS', [failed(1)]);
  });
  t.test('the current number is no change', async (t) => {
    user(t)
      .given(loggedIn)
      .when(startChange({ phoneNumber: '+33612345678' }))
      .thenRejects('PHONE_NUMBER_UNCHANGED');
  });
  t.test("the new number has its own SMS budget: the current phone's codes do not count", async (t) => {
    const currentPhoneSpent = [otpIssued('s1'), otpIssued('s2'), otpIssued('s3')];
    user(t)
      .given([...loggedIn, ...currentPhoneSpent])
      .when(startChange())
      .then([requested(), otpIssued('p1', 'PHONE_NUMBER_CHANGE')]);
  });
  t.test('but codes already sent to that number do, and past its budget the code is held back', async (t) => {
    const earlier = [1, 2, 3].flatMap((n) => [
      requested('PASSWORD', `p${n}0`),
      otpIssued(`p${n}0`, 'PHONE_NUMBER_CHANGE'),
    ]);
    const suppressed: IdentityEvent = {
      type: 'OtpSendingSuppressed',
      data: {
        userId,
        sessionId: 'p1',
        purpose: 'PHONE_NUMBER_CHANGE',
        reason: 'SMS_BUDGET',
        issuedAt: now,
        expiresAt: secondsAfter(300),
        maxAttempts: 3,
      },
    };
    user(t)
      .given([...loggedIn, ...earlier])
      .when(startChange())
      .then([requested(), suppressed]);
  });
});

t.test('a step-up token in place of the password', async (t) => {
  const stepUpAsked: IdentityEvent[] = [
    {
      type: 'StepUpRequested',
      data: {
        userId,
        stepUpId: 'u1',
        action: 'CHANGE_PHONE_NUMBER',
        transactionHash: 'hash-of-new-number',
        transaction: `{"destination":"${newNumber}"}`,
        familyId,
        clientId,
      },
    },
    otpIssued('u1', 'STEP_UP'),
    {
      type: 'StepUpCompleted',
      data: { userId, stepUpId: 'u1', tokenId: 'token-1', authTime: now, expiresAt: secondsAfter(300) },
    },
  ];
  const consumed: IdentityEvent = {
    type: 'StepUpConsumed',
    data: { userId, stepUpId: 'u1', tokenId: 'token-1', clientId },
  };
  t.test('is consumed in the same decision that sends the code', async (t) => {
    user(t)
      .given([...loggedIn, ...stepUpAsked])
      .when(startChange({ proof: stepUpProof, now: secondsAfter(20) }))
      .then([consumed, requested('STEP_UP'), otpIssued('p1', 'PHONE_NUMBER_CHANGE', { issuedAt: secondsAfter(20) })]);
  });
  t.test('works once', async (t) => {
    user(t)
      .given([...loggedIn, ...stepUpAsked, consumed])
      .when(startChange({ proof: stepUpProof, now: secondsAfter(20) }))
      .thenRejects('STEP_UP_TOKEN_ALREADY_USED');
  });
  t.test('is for that number only', async (t) => {
    user(t)
      .given([...loggedIn, ...stepUpAsked])
      .when(
        startChange({ proof: { ...stepUpProof, transactionHash: 'hash-of-another-number' }, now: secondsAfter(20) }),
      )
      .thenRejects('STEP_UP_TRANSACTION_MISMATCH');
  });
  t.test('a token for another action stands for nothing here', async (t) => {
    const withdrawal = stepUpAsked.map((event) =>
      event.type === 'StepUpRequested' ? { ...event, data: { ...event.data, action: 'WITHDRAW' as const } } : event,
    );
    user(t)
      .given([...loggedIn, ...withdrawal])
      .when(startChange({ proof: stepUpProof, now: secondsAfter(20) }))
      .thenRejects('STEP_UP_ACTION_MISMATCH');
  });
  t.test('an expired token is refused, and nothing is written', async (t) => {
    user(t)
      .given([...loggedIn, ...stepUpAsked])
      .when(startChange({ proof: stepUpProof, now: secondsAfter(301) }))
      .thenRejects('STEP_UP_TOKEN_EXPIRED');
  });
  t.test("the step-up's proof leaves the wrong-password count as it is", async (t) => {
    const state = stateAfter([
      ...loggedIn,
      ...stepUpAsked,
      failed(2),
      consumed,
      requested('STEP_UP'),
      otpIssued('p1', 'PHONE_NUMBER_CHANGE'),
    ]);
    t.equal(state.consecutiveLoginFailures, 2);
  });
});

t.test("the new number's code commits the change", async (t) => {
  t.test('the number changes, the old one is told, other logins end, money-moving step-ups wait', async (t) => {
    user(t)
      .given(asked)
      .when(commit())
      .then([
        { type: 'OtpVerified', data: { userId, sessionId: 'p1', purpose: 'PHONE_NUMBER_CHANGE' } },
        changed(),
        { type: 'SessionsRevoked', data: { userId, familyIds: [otherFamilyId], reason: 'PHONE_NUMBER_CHANGED' } },
      ]);
  });
  t.test('with no cooling-off configured, the change carries none', async (t) => {
    const { decision } = user(t)
      .given(asked)
      .when(commit({ coolingOffSeconds: 0 }));
    const change = decision.events.find((event) => event.type === 'PhoneNumberChanged');
    t.notOk(change?.type === 'PhoneNumberChanged' && change.data.coolingOffUntil);
  });
  t.test('a number another user reserved meanwhile is refused, and nothing is written', async (t) => {
    user(t)
      .given(asked)
      .when(commit({ newNumberReserved: false }))
      .thenRejects('PHONE_NUMBER_TAKEN');
  });
  t.test('a wrong code counts on the challenge and on the account, as a login code does', async (t) => {
    user(t)
      .given(asked)
      .when(commit({ presentedCodeHash: 'hash-of-wrong-code' }))
      .thenRejects('OTP_INVALID', [wrongCode('p1', 1)]);
    const nineWrong = Array.from({ length: 9 }, (_, n) => wrongCode('p1', n + 1, 20));
    user(t)
      .given([...loggedIn, requested(), otpIssued('p1', 'PHONE_NUMBER_CHANGE', { maxAttempts: 20 }), ...nineWrong])
      .when(commit({ presentedCodeHash: 'hash-of-wrong-code' }))
      .thenRejects('ACCOUNT_LOCKED', [
        wrongCode('p1', 10, 20),
        { type: 'UserLockedOut', data: { userId, reason: 'OTP_FAILURES', consecutiveOtpFailures: 10 } },
      ]);
  });
  t.test('the login it was asked from ending ends the request', async (t) => {
    const loggedOut: IdentityEvent = {
      type: 'SessionsRevoked',
      data: { userId, familyIds: [familyId], reason: 'LOGOUT' },
    };
    user(t)
      .given([...asked, loggedOut])
      .when(commit())
      .thenRejects('STEP_UP_SESSION_ENDED');
  });
  t.test('a password reset since ends the request', async (t) => {
    const reset: IdentityEvent = { type: 'PasswordChanged', data: { userId, sessionId: 'r1' } };
    user(t)
      .given([...asked, reset])
      .when(commit())
      .thenRejects('OTP_EXPIRED');
  });
  t.test(
    'afterwards the new number is the phone: its codes count for its budget, and login codes go there',
    async (t) => {
      const state = stateAfter([...asked, changed()]);
      t.equal(state.phoneNumber, newNumber);
      t.same(state.otpIssuedAt, [now], 'the code that proved it is the one code this phone received');
      t.equal(state.pendingPhoneNumberChanges.length, 0);
    },
  );
});

t.test('the cooling-off after a change', async (t) => {
  const afterChange = [...asked, changed()];
  function stepUp(action: 'WITHDRAW' | 'ADD_BENEFICIARY' | 'CONVERT', at: string, passwordMatches = true) {
    return {
      type: 'StartStepUp' as const,
      passwordMatches,
      stepUpId: 'u2',
      action,
      transactionHash: 'txn',
      transaction: '{}',
      familyId,
      clientId,
      otp: otp({ expiresAt: secondsAfter(300, at) }),
      now: at,
      loginLock,
    };
  }
  const refused = (action: 'WITHDRAW' | 'ADD_BENEFICIARY'): IdentityEvent => ({
    type: 'StepUpRefused',
    data: {
      userId,
      action,
      reason: 'PHONE_NUMBER_CHANGED',
      coolingOffUntil: secondsAfter(86410),
      familyId,
      clientId,
    },
  });
  t.test('refuses a withdrawal and a new beneficiary, recording the attempt, with the seconds left', async (t) => {
    const at = secondsAfter(3610);
    for (const action of ['WITHDRAW', 'ADD_BENEFICIARY'] as const) {
      const { decision } = user(t).given(afterChange).when(stepUp(action, at));
      t.same(decision.rejection, { error: 'STEP_UP_COOLING_OFF', retryAfterSeconds: 82800 });
      t.same(decision.events, [refused(action)]);
    }
  });
  t.test('lets a conversion through: the money stays in the wallet', async (t) => {
    const { decision } = user(t)
      .given(afterChange)
      .when(stepUp('CONVERT', secondsAfter(3610)));
    t.notOk(decision.rejection);
  });
  t.test('asks the password first: a wrong one is counted, and the cooling-off is not told', async (t) => {
    user(t)
      .given(afterChange)
      .when(stepUp('WITHDRAW', secondsAfter(3610), false))
      .thenRejects('INVALID_CREDENTIALS', [failed(1)]);
  });
  t.test('ends when its time is over', async (t) => {
    const { decision } = user(t)
      .given(afterChange)
      .when(stepUp('WITHDRAW', secondsAfter(86410)));
    t.notOk(decision.rejection);
  });
});
