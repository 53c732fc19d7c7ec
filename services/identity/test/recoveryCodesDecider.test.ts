/**
 * Recovery codes: a new set proven with the password (under the login lock) or
 * a step-up token for MANAGE_RECOVERY_CODES (consumed in the same decision);
 * each code answers one login or reset challenge, once, and a wrong one counts
 * as a wrong SMS code on the challenge and towards the account lock.
 */
import t from 'tap';
import type { IdentityEvent } from '@tessera/contracts';
import type { RecoveryCodesProof } from '../src/domain/recoveryCodesDecider.ts';
import {
  clientId,
  loginLock,
  now,
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
const codeHashes = Array.from({ length: 10 }, (_, index) => `recovery-hash-${index}`);
const withPassword = (passwordMatches: boolean): RecoveryCodesProof => ({
  kind: 'PASSWORD',
  passwordMatches,
  loginLock,
});
const withStepUp = (tokenId = 'token-1'): RecoveryCodesProof => ({ kind: 'STEP_UP', stepUpId: 'u1', tokenId });

function generate(proof: RecoveryCodesProof, overrides: { familyId?: string; clientId?: string; now?: string } = {}) {
  return {
    type: 'GenerateRecoveryCodes' as const,
    proof,
    familyId,
    clientId,
    codeHashes,
    now,
    sealedNotice: 'sealed-notice',
    ...overrides,
  };
}

function generated(hashes = codeHashes, authorisedBy: 'PASSWORD' | 'STEP_UP' = 'PASSWORD', at = now): IdentityEvent {
  const data = { userId, codeHashes: hashes, generatedAt: at, authorisedBy, sealedNotice: 'sealed-notice' };
  return { type: 'RecoveryCodesGenerated', data };
}

const failed = (consecutiveFailures: number): IdentityEvent => ({
  type: 'LoginFailed',
  data: { userId, consecutiveFailures },
});
const lockedOut: IdentityEvent = {
  type: 'UserLockedOut',
  data: { userId, reason: 'OTP_FAILURES', consecutiveOtpFailures: 10 },
};

/** A MANAGE_RECOVERY_CODES step-up asked and its code verified: a token waiting to be used. */
function stepUpCompleted(
  action: 'MANAGE_RECOVERY_CODES' | 'ADD_BENEFICIARY' = 'MANAGE_RECOVERY_CODES',
  through = clientId,
) {
  return [
    { type: 'StepUpRequested', data: { userId, stepUpId: 'u1', action, familyId, clientId: through } },
    otpIssued('u1', 'STEP_UP'),
    {
      type: 'StepUpCompleted',
      data: { userId, stepUpId: 'u1', tokenId: 'token-1', authTime: secondsAfter(10), expiresAt: secondsAfter(310) },
    },
  ] as IdentityEvent[];
}
const stepUpConsumed: IdentityEvent = {
  type: 'StepUpConsumed',
  data: { userId, stepUpId: 'u1', tokenId: 'token-1', clientId },
};

t.test('generating recovery codes with the password', async (t) => {
  t.test('the right password on a live login records the keyed hashes and the notice', async (t) => {
    user(t)
      .given(loggedIn)
      .when(generate(withPassword(true)))
      .then([generated()]);
  });
  t.test('a wrong password counts towards the login lock, as at login', async (t) => {
    user(t)
      .given([...loggedIn, failed(1)])
      .when(generate(withPassword(false)))
      .thenRejects('INVALID_CREDENTIALS', [failed(2)]);
    user(t)
      .given([...loggedIn, failed(1), failed(2), failed(3), failed(4)])
      .when(generate(withPassword(false)))
      .thenRejects('INVALID_CREDENTIALS', [
        failed(5),
        { type: 'LoginTemporarilyLocked', data: { userId, consecutiveFailures: 5, lockedUntil: secondsAfter(60) } },
      ]);
  });
  t.test('while login is locked even the right password is refused, and nothing is counted', async (t) => {
    const locked: IdentityEvent = {
      type: 'LoginTemporarilyLocked',
      data: { userId, consecutiveFailures: 5, lockedUntil: secondsAfter(60) },
    };
    const { decision } = user(t)
      .given([...loggedIn, failed(5), locked])
      .when(generate(withPassword(true)));
    t.equal(decision.rejection?.error, 'LOGIN_TEMPORARILY_LOCKED');
    t.equal(decision.rejection?.retryAfterSeconds, 60, 'says how long to wait');
    t.same(decision.events, [], 'records nothing');
  });
  t.test('a locked account is told only to the right password', async (t) => {
    user(t)
      .given([...loggedIn, lockedOut])
      .when(generate(withPassword(true)))
      .thenRejects('ACCOUNT_LOCKED');
    user(t)
      .given([...loggedIn, lockedOut])
      .when(generate(withPassword(false)))
      .thenRejects('INVALID_CREDENTIALS', [failed(1)]);
  });
  t.test('a login that ended, or another client asking from it, generates nothing and counts nothing', async (t) => {
    const loggedOut: IdentityEvent = {
      type: 'SessionsRevoked',
      data: { userId, familyIds: [familyId], reason: 'LOGOUT' },
    };
    user(t)
      .given([...loggedIn, loggedOut])
      .when(generate(withPassword(false)))
      .thenRejects('UNAUTHENTICATED');
    user(t)
      .given(loggedIn)
      .when(generate(withPassword(true), { familyId: 'family-2' }))
      .thenRejects('UNAUTHENTICATED');
    user(t)
      .given(loggedIn)
      .when(generate(withPassword(false), { clientId: 'client-2' }))
      .thenRejects('UNAUTHENTICATED');
  });
  t.test('a user who is not there is answered like a dead token', async (t) => {
    user(t)
      .given([])
      .when(generate(withPassword(true)))
      .thenRejects('UNAUTHENTICATED');
  });
});

t.test('generating recovery codes with a step-up token', async (t) => {
  t.test('a token for MANAGE_RECOVERY_CODES is consumed and the codes generated in one decision', async (t) => {
    user(t)
      .given([...loggedIn, ...stepUpCompleted()])
      .when(generate(withStepUp(), { now: secondsAfter(60) }))
      .then([stepUpConsumed, generated(codeHashes, 'STEP_UP', secondsAfter(60))]);
  });
  t.test('the token works once', async (t) => {
    user(t)
      .given([...loggedIn, ...stepUpCompleted(), stepUpConsumed, generated(codeHashes, 'STEP_UP')])
      .when(generate(withStepUp(), { now: secondsAfter(60) }))
      .thenRejects('STEP_UP_TOKEN_ALREADY_USED');
  });
  t.test("each of the token's refusals keeps its code, and none counts a wrong password", async (t) => {
    const asked = [...loggedIn, ...stepUpCompleted()];
    user(t)
      .given([...loggedIn, ...stepUpCompleted('ADD_BENEFICIARY')])
      .when(generate(withStepUp(), { now: secondsAfter(60) }))
      .thenRejects('STEP_UP_ACTION_MISMATCH');
    user(t)
      .given(asked)
      .when(generate(withStepUp(), { now: secondsAfter(400) }))
      .thenRejects('STEP_UP_TOKEN_EXPIRED');
    user(t)
      .given(asked)
      .when(generate(withStepUp('token-2'), { now: secondsAfter(60) }))
      .thenRejects('STEP_UP_TOKEN_INVALID');
    user(t)
      .given([...loggedIn, ...stepUpCompleted('MANAGE_RECOVERY_CODES', 'client-2')])
      .when(generate(withStepUp(), { now: secondsAfter(60) }))
      .thenRejects('STEP_UP_TOKEN_INVALID', [], "another client's token");
    user(t)
      .given([...asked, lockedOut])
      .when(generate(withStepUp(), { now: secondsAfter(60) }))
      .thenRejects('STEP_UP_TOKEN_REVOKED');
  });
});

t.test('answering a challenge with a recovery code', async (t) => {
  const withCodes = [...loggedIn, generated()];
  const recoveryCode = (sessionId: string, hash: string, at = secondsAfter(10)) => ({
    ...verifyCommand(sessionId, hash, at),
    challengeType: 'RECOVERY_CODE' as const,
    recoveryCodeUsedNotice: 'sealed-used',
  });
  const used = (sessionId: string, hash: string, codesLeft: number): IdentityEvent => ({
    type: 'RecoveryCodeUsed',
    data: { userId, sessionId, codeHash: hash, codesLeft, sealedNotice: 'sealed-used' },
  });
  const loginWith = (sessionId: string) => ({
    type: 'SessionStarted' as const,
    data: {
      userId,
      sessionId,
      familyId: 'family-new',
      refreshTokenHash: 'refresh-new',
      expiresAt: secondsAfter(86410),
      clientId,
    },
  });

  t.test('a recovery code starts the session, is used up, and verifies no phone', async (t) => {
    user(t)
      .given([...withCodes, otpIssued('s1')])
      .when(recoveryCode('s1', 'recovery-hash-3'))
      .then([
        { type: 'OtpVerified', data: { userId, sessionId: 's1', purpose: 'LOGIN' } },
        used('s1', 'recovery-hash-3', 9),
        loginWith('s1'),
      ]);
  });
  t.test('each code works once: used again it is a wrong code', async (t) => {
    user(t)
      .given([...withCodes, otpIssued('s1'), used('s1', 'recovery-hash-3', 9), otpIssued('s2')])
      .when(recoveryCode('s2', 'recovery-hash-3'))
      .thenRejects('OTP_INVALID', [wrongCode('s2', 1)]);
  });
  t.test("a new set replaces the old one: the old set's codes stop working", async (t) => {
    const newHashes = codeHashes.map((hash) => `new-${hash}`);
    user(t)
      .given([...withCodes, generated(newHashes), otpIssued('s1')])
      .when(recoveryCode('s1', 'recovery-hash-3'))
      .thenRejects('OTP_INVALID', [wrongCode('s1', 1)]);
  });
  t.test('the SMS code is not a recovery code, nor a recovery code an SMS code', async (t) => {
    user(t)
      .given([...withCodes, otpIssued('s1')])
      .when(recoveryCode('s1', 'hash-of-right-code'))
      .thenRejects('OTP_INVALID', [wrongCode('s1', 1)]);
    user(t)
      .given([...withCodes, otpIssued('s1')])
      .when(verifyCommand('s1', 'recovery-hash-3'))
      .thenRejects('OTP_INVALID', [wrongCode('s1', 1)]);
  });
  t.test('without recovery codes any recovery code is a wrong code', async (t) => {
    user(t)
      .given([...loggedIn, otpIssued('s1')])
      .when(recoveryCode('s1', 'recovery-hash-3'))
      .thenRejects('OTP_INVALID', [wrongCode('s1', 1)]);
  });
  t.test("a wrong recovery code spends the challenge's attempts, as a wrong SMS code does", async (t) => {
    user(t)
      .given([...withCodes, otpIssued('s1'), wrongCode('s1', 1), wrongCode('s1', 2)])
      .when(recoveryCode('s1', 'guess'))
      .thenRejects('OTP_INVALID', [wrongCode('s1', 3)]);
    user(t)
      .given([...withCodes, otpIssued('s1'), wrongCode('s1', 1), wrongCode('s1', 2), wrongCode('s1', 3)])
      .when(recoveryCode('s1', 'recovery-hash-3'))
      .thenRejects('OTP_ATTEMPTS_EXHAUSTED');
  });
  t.test('wrong SMS codes and wrong recovery codes lock the account together', async (t) => {
    const sessions = ['a', 'b', 'c'];
    const nineWrong = sessions.flatMap((id) => [otpIssued(id), wrongCode(id, 1), wrongCode(id, 2), wrongCode(id, 3)]);
    user(t)
      .given([...withCodes, ...nineWrong.slice(0, -1), otpIssued('d')])
      .when(recoveryCode('d', 'guess'))
      .thenRejects('OTP_INVALID', [wrongCode('d', 1)], 'the ninth wrong code in a row does not lock');
    user(t)
      .given([...withCodes, ...nineWrong, otpIssued('d')])
      .when(recoveryCode('d', 'guess'))
      .thenRejects('ACCOUNT_LOCKED', [
        wrongCode('d', 1),
        { type: 'UserLockedOut', data: { userId, reason: 'OTP_FAILURES', consecutiveOtpFailures: 10 } },
      ]);
  });
  t.test('a locked account takes no recovery code on a login challenge, not even a right one', async (t) => {
    user(t)
      .given([...withCodes, otpIssued('s1'), lockedOut])
      .when(recoveryCode('s1', 'recovery-hash-3'))
      .thenRejects('ACCOUNT_LOCKED');
  });
  t.test('a recovery code answers a password reset: the staged password is committed', async (t) => {
    const reset = [
      ...withCodes,
      { type: 'PasswordResetStarted' as const, data: { userId, sessionId: 'r1' } },
      otpIssued('r1', 'PASSWORD_RESET'),
      { type: 'PasswordChangeStaged' as const, data: { userId, sessionId: 'r1', passwordHash: '$argon2id$new' } },
      lockedOut,
    ];
    user(t)
      .given(reset)
      .when({ ...recoveryCode('r1', 'recovery-hash-0'), passwordChangedNotice: 'sealed-changed' })
      .then([
        { type: 'OtpVerified', data: { userId, sessionId: 'r1', purpose: 'PASSWORD_RESET' } },
        used('r1', 'recovery-hash-0', 9),
        { type: 'PasswordChanged', data: { userId, sessionId: 'r1', sealedNotice: 'sealed-changed' } },
        { type: 'SessionsRevoked', data: { userId, familyIds: [familyId], reason: 'PASSWORD_CHANGED' } },
      ]);
  });
  t.test('a step-up needs its SMS code: a recovery code is refused and nothing is counted', async (t) => {
    user(t)
      .given([...withCodes, ...stepUpCompleted().slice(0, 2)])
      .when(recoveryCode('u1', 'recovery-hash-3'))
      .thenRejects('CHALLENGE_TYPE_MISMATCH');
  });
  t.test('the last code leaves none', async (t) => {
    const one = [...loggedIn, generated(['only-hash']), otpIssued('s1')];
    const { decision } = user(t).given(one).when(recoveryCode('s1', 'only-hash'));
    t.same(
      decision.events.find((event) => event.type === 'RecoveryCodeUsed'),
      used('s1', 'only-hash', 0),
    );
  });
});
