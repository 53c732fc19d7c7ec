/**
 * The one-time-code rules hold for any sequence of logins, step-ups, phone
 * number changes, codes, recovery codes, passkeys, resends, waits and password resets, not only for the sequences written by hand in
 * credentialsDecider.test.ts: fast-check generates the sequences, a model says what
 * each command should answer, and each rule is checked over the history.
 */
import t from 'tap';
import fc from 'fast-check';
import type { IdentityEvent } from '@tessera/contracts';
import type { OtpChallenge, UserState } from '../src/domain/userState.ts';
import { commandsArbitrary, play, rulesArbitrary, type Step } from './userModelCommands.ts';
import type { Rules } from './userRulesModel.ts';

const RUNS = 400;

function holdsForAnySequence(check: (steps: Step[], rules: Rules) => void) {
  fc.assert(
    fc.property(rulesArbitrary, commandsArbitrary, (rules, commands) => check(play(rules, commands), rules)),
    { numRuns: RUNS },
  );
}

function fail(step: Step, index: number, why: string): never {
  throw new Error(`step ${index} (${step.command.type}): ${why}`);
}

const eventsOf = <K extends IdentityEvent['type']>(step: Step, type: K) =>
  step.decision.events.filter((event): event is Extract<IdentityEvent, { type: K }> => event.type === type);

/** A session's challenge, reading own keys only. */
const challengeOf = (state: UserState, sessionId: string): OtpChallenge | undefined =>
  Object.hasOwn(state.challenges, sessionId) ? state.challenges[sessionId] : undefined;

t.test('the decider answers every command the way the model of the rules says', async (t) => {
  fc.assert(
    fc.property(rulesArbitrary, commandsArbitrary, (rules, commands) => {
      play(rules, commands, true);
    }),
    { numRuns: RUNS },
  );
  t.pass(`${RUNS} sequences agree with the model`);
});

t.test(
  'a challenge counts at most its allowed wrong codes, and after them even the right code is refused',
  async (t) => {
    holdsForAnySequence((steps) => {
      const issued = new Map<string, { maxAttempts: number; code: string }>();
      const failures = new Map<string, number>();
      steps.forEach((step, index) => {
        const { command } = step;
        if (command.type === 'VerifyOtp') {
          const challenge = issued.get(command.sessionId);
          if (
            challenge &&
            (failures.get(command.sessionId) ?? 0) >= challenge.maxAttempts &&
            step.decision.rejection?.error !== 'OTP_ATTEMPTS_EXHAUSTED' &&
            step.decision.rejection?.error !== 'OTP_ALREADY_USED'
          ) {
            fail(
              step,
              index,
              `a challenge past ${challenge.maxAttempts} wrong codes answered ${step.decision.rejection?.error ?? 'success'}`,
            );
          }
        }
        for (const failed of eventsOf(step, 'OtpVerificationFailed')) {
          const challenge = issued.get(failed.data.sessionId);
          if (!challenge)
            fail(
              step,
              index,
              `a wrong code was counted on "${failed.data.sessionId}", where no code was ever issued or held back`,
            );
          const count = (failures.get(failed.data.sessionId) ?? 0) + 1;
          failures.set(failed.data.sessionId, count);
          if (count > challenge.maxAttempts)
            fail(step, index, `wrong code number ${count} counted on a challenge that allows ${challenge.maxAttempts}`);
          if (failed.data.failedAttempts !== count)
            fail(step, index, `the event says ${failed.data.failedAttempts} wrong codes, the history ${count}`);
        }
        for (const otp of eventsOf(step, 'OtpIssued')) {
          issued.set(otp.data.sessionId, {
            maxAttempts: issued.get(otp.data.sessionId)?.maxAttempts ?? otp.data.maxAttempts,
            code: otp.data.codeHash,
          });
        }
        // A code the SMS budget held back opens a session all the same, which counts wrong codes like any other.
        for (const heldBack of eventsOf(step, 'OtpSendingSuppressed')) {
          const maxAttempts = issued.get(heldBack.data.sessionId)?.maxAttempts ?? heldBack.data.maxAttempts;
          if (maxAttempts !== undefined) issued.set(heldBack.data.sessionId, { maxAttempts, code: '' });
        }
      });
    });
    t.pass(`${RUNS} sequences`);
  },
);

t.test('each code works at most once, and only the newest code of its session', async (t) => {
  holdsForAnySequence((steps) => {
    const newest = new Map<string, string>();
    const usedCodes = new Set<string>();
    const verifiedSessions = new Set<string>();
    steps.forEach((step, index) => {
      const { command } = step;
      const verified = eventsOf(step, 'OtpVerified');
      if (verified.length > 0) {
        if (command.type !== 'VerifyOtp') fail(step, index, 'a code was verified by another command');
        if (verified.length > 1 || eventsOf(step, 'SessionStarted').length > 1)
          fail(step, index, 'one code verified twice in one decision');
        // Recovery codes and passkeys: their own properties below.
        if (command.challengeType === 'RECOVERY_CODE' || command.challengeType === 'PASSKEY') return;
        if (newest.get(command.sessionId) !== command.presentedCodeHash)
          fail(step, index, 'a code that is not the newest of its session worked');
        if (usedCodes.has(command.presentedCodeHash)) fail(step, index, 'a code worked a second time');
        if (verifiedSessions.has(command.sessionId)) fail(step, index, 'a session was verified a second time');
        usedCodes.add(command.presentedCodeHash);
        verifiedSessions.add(command.sessionId);
      }
      for (const otp of eventsOf(step, 'OtpIssued')) newest.set(otp.data.sessionId, otp.data.codeHash);
    });
  });
  t.pass(`${RUNS} sequences`);
});

t.test('neither a resend nor a new reset code resets a wrong-code or wrong-password count', async (t) => {
  holdsForAnySequence((steps) => {
    let wrongPasswordsInRow = 0;
    steps.forEach((step, index) => {
      const { command, before, after } = step;
      if (command.type === 'ResendOtp' || command.type === 'StartPasswordReset') {
        if (after.consecutiveOtpFailures !== before.consecutiveOtpFailures)
          fail(step, index, 'the wrong codes in a row on the account changed');
        if (after.consecutiveLoginFailures !== before.consecutiveLoginFailures)
          fail(step, index, 'the wrong passwords in a row changed');
      }
      if (
        command.type === 'ResendOtp' &&
        challengeOf(after, command.sessionId)?.failedAttempts !== challengeOf(before, command.sessionId)?.failedAttempts
      ) {
        fail(step, index, 'the wrong codes of the challenge changed');
      }
      // A step-up, a phone number change and new recovery codes ask the same password: their wrong ones count in the same row.
      if (
        command.type === 'StartLogin' ||
        command.type === 'StartStepUp' ||
        command.type === 'StartPhoneNumberChange' ||
        command.type === 'GenerateRecoveryCodes'
      ) {
        const failed = eventsOf(step, 'LoginFailed')[0];
        if (failed) {
          wrongPasswordsInRow += 1;
          if (failed.data.consecutiveFailures !== wrongPasswordsInRow)
            fail(
              step,
              index,
              `LoginFailed says ${failed.data.consecutiveFailures} in a row, the history ${wrongPasswordsInRow}`,
            );
        } else if (!step.decision.rejection) {
          wrongPasswordsInRow = 0;
        }
      }
      // Only a committed reset, which replaces the password, starts the count again.
      if (eventsOf(step, 'PasswordChanged').length > 0) wrongPasswordsInRow = 0;
    });
  });
  t.pass(`${RUNS} sequences`);
});

t.test('at the lock threshold the account locks, and stays locked to logins until a password reset', async (t) => {
  holdsForAnySequence((steps, rules) => {
    let locked = false;
    let wrongCodesInRow = 0;
    steps.forEach((step, index) => {
      const { command, decision } = step;
      if (locked) {
        if (eventsOf(step, 'SessionStarted').length > 0) fail(step, index, 'a locked account started a session');
        if (
          [...eventsOf(step, 'OtpIssued'), ...eventsOf(step, 'OtpSendingSuppressed')].some(
            (event) => event.data.purpose !== 'PASSWORD_RESET',
          )
        ) {
          fail(step, index, 'a locked account was issued a login or step-up code');
        }
        if (eventsOf(step, 'StepUpCompleted').length > 0) fail(step, index, 'a locked account completed a step-up');
        if (command.type === 'StartLogin' && command.passwordMatches && decision.rejection?.error !== 'ACCOUNT_LOCKED')
          fail(step, index, 'the right password got past the lock');
      } else if (command.type === 'StartLogin' && command.passwordMatches && decision.rejection) {
        fail(step, index, `an unlocked account refused the right password with ${decision.rejection.error}`);
      }
      // A step-up or a phone number change from a login that ended is refused before the password; from a live
      // one it meets the same lock (and a step-up, after the password, a phone number change's cooling-off).
      const rightPassword =
        (command.type === 'StartStepUp' && command.passwordMatches) ||
        (command.type === 'StartPhoneNumberChange' &&
          command.proof.type === 'PASSWORD' &&
          command.proof.passwordMatches);
      const refusal = decision.rejection?.error;
      if (rightPassword && refusal !== 'UNAUTHENTICATED' && !(refusal === 'STEP_UP_COOLING_OFF' && !locked)) {
        const expected = locked ? 'ACCOUNT_LOCKED' : undefined;
        if (refusal !== expected)
          fail(step, index, `the right password on ${command.type} answered ${refusal ?? 'success'}`);
      }
      for (const event of decision.events) {
        if (event.type === 'OtpVerificationFailed') wrongCodesInRow += 1;
        if (event.type === 'OtpVerified') wrongCodesInRow = 0;
        if (event.type === 'UserLockedOut') {
          if (locked) fail(step, index, 'locked twice');
          if (event.data.consecutiveOtpFailures !== wrongCodesInRow || wrongCodesInRow !== rules.lockThreshold) {
            fail(
              step,
              index,
              `locked after ${wrongCodesInRow} wrong codes in a row (the event says ${event.data.consecutiveOtpFailures}), the threshold is ${rules.lockThreshold}`,
            );
          }
          locked = true;
        }
        if (event.type === 'PasswordChanged') {
          locked = false;
          wrongCodesInRow = 0;
        }
      }
      if (!locked && wrongCodesInRow >= rules.lockThreshold)
        fail(step, index, `${wrongCodesInRow} wrong codes in a row and the account is not locked`);
    });
  });
  t.pass(`${RUNS} sequences`);
});

t.test(
  'within the cooling-off after a phone number change, no withdrawal step-up is asked, and each refusal is recorded',
  async (t) => {
    holdsForAnySequence((steps) => {
      let coolingOffUntil: string | undefined;
      steps.forEach((step, index) => {
        const { command, decision } = step;
        if (command.type === 'StartStepUp' && coolingOffUntil !== undefined && command.now < coolingOffUntil) {
          if (eventsOf(step, 'StepUpRequested').length > 0)
            fail(step, index, 'a withdrawal was asked while cooling off');
          if (decision.rejection?.error === 'STEP_UP_COOLING_OFF' && eventsOf(step, 'StepUpRefused').length !== 1)
            fail(step, index, 'a cooling-off refusal left no record');
        }
        for (const changed of eventsOf(step, 'PhoneNumberChanged')) coolingOffUntil = changed.data.coolingOffUntil;
      });
    });
    t.pass(`${RUNS} sequences`);
  },
);

t.test(
  'each recovery code works once and only from the newest set, never on a step-up, and a wrong one counts as a wrong SMS code',
  async (t) => {
    holdsForAnySequence((steps) => {
      let unused = new Set<string>();
      steps.forEach((step, index) => {
        const { command, before, after, decision } = step;
        for (const generated of eventsOf(step, 'RecoveryCodesGenerated')) unused = new Set(generated.data.codeHashes);
        if (command.type !== 'VerifyOtp' || command.challengeType !== 'RECOVERY_CODE') return;
        const used = eventsOf(step, 'RecoveryCodeUsed');
        if (used.length > 0) {
          if (!unused.has(command.presentedCodeHash))
            fail(step, index, 'a used, replaced or unknown recovery code worked');
          if (challengeOf(before, command.sessionId)?.purpose === 'STEP_UP')
            fail(step, index, 'a recovery code completed a step-up');
          if (eventsOf(step, 'PhoneNumberVerified').length > 0) fail(step, index, 'a recovery code verified the phone');
          unused.delete(command.presentedCodeHash);
          if (used[0]!.data.codesLeft !== unused.size)
            fail(step, index, `${used[0]!.data.codesLeft} codes said left, the history ${unused.size}`);
        } else if (eventsOf(step, 'OtpVerified').length > 0) {
          fail(step, index, 'a recovery code answered a challenge without being used up');
        }
        // Wrong recovery codes count in the same row as wrong SMS codes: on the challenge and on the account.
        if (eventsOf(step, 'OtpVerificationFailed').length > 0) {
          if (after.consecutiveOtpFailures !== before.consecutiveOtpFailures + 1)
            fail(step, index, 'a wrong recovery code was not counted towards the account lock');
          const failedBefore = challengeOf(before, command.sessionId)?.failedAttempts ?? 0;
          if (challengeOf(after, command.sessionId)?.failedAttempts !== failedBefore + 1)
            fail(step, index, "a wrong recovery code was not counted on the challenge's attempts");
        } else if (decision.rejection && after.consecutiveOtpFailures !== before.consecutiveOtpFailures) {
          fail(step, index, 'a refusal without a wrong code changed the count');
        }
      });
    });
    t.pass(`${RUNS} sequences`);
  },
);

t.test(
  'a passkey answers only a login or a step-up, only with a counter that grows, and a failed one counts as a wrong SMS code',
  async (t) => {
    holdsForAnySequence((steps) => {
      let counter: number | undefined = 0; // the passkey registered before the run
      steps.forEach((step, index) => {
        const { command, before, after, decision } = step;
        if (eventsOf(step, 'PasskeyRegistered').length > 0) counter = 0;
        if (command.type !== 'VerifyOtp' || command.challengeType !== 'PASSKEY') return;
        const used = eventsOf(step, 'PasskeyUsed');
        if (used.length > 0) {
          const signed = used[0]!.data.counter;
          if (counter === undefined) fail(step, index, 'a passkey worked before any was registered');
          else if (!(signed > counter || (signed === 0 && counter === 0)))
            fail(step, index, `a counter of ${signed} worked after ${counter}`);
          const purpose = challengeOf(before, command.sessionId)?.purpose;
          if (purpose !== 'LOGIN' && purpose !== 'STEP_UP')
            fail(step, index, `a passkey answered a ${purpose} challenge`);
          if (eventsOf(step, 'PhoneNumberVerified').length > 0) fail(step, index, 'a passkey verified the phone');
          counter = signed;
        } else if (eventsOf(step, 'OtpVerified').length > 0) {
          fail(step, index, 'a passkey answered a challenge without its use recorded');
        }
        // Failed passkeys count in the same row as wrong SMS and recovery codes: on the challenge and on the account.
        if (eventsOf(step, 'OtpVerificationFailed').length > 0) {
          if (after.consecutiveOtpFailures !== before.consecutiveOtpFailures + 1)
            fail(step, index, 'a failed passkey was not counted towards the account lock');
          const failedBefore = challengeOf(before, command.sessionId)?.failedAttempts ?? 0;
          if (challengeOf(after, command.sessionId)?.failedAttempts !== failedBefore + 1)
            fail(step, index, "a failed passkey was not counted on the challenge's attempts");
        } else if (decision.rejection && after.consecutiveOtpFailures !== before.consecutiveOtpFailures) {
          fail(step, index, 'a refusal without a wrong answer changed the count');
        }
      });
    });
    t.pass(`${RUNS} sequences`);
  },
);
