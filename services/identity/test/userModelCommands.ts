/**
 * fast-check commands that drive the model of the rules and the real user
 * decider side by side, over a registered user. Every decision is kept, so
 * properties can also be checked over the whole history afterwards.
 */
import fc from 'fast-check';
import type { IdentityEvent } from '@tessera/contracts';
import type { Decision } from '../src/domain/decision.ts';
import { decideUser, type SmsBudget, type UserCommand } from '../src/domain/userDecider.ts';
import { evolveUser, initialUserState, type UserState } from '../src/domain/userState.ts';
import { registered } from './mothers.ts';
import {
  COOLING_OFF_SECONDS,
  UNKNOWN_SESSIONS,
  UserModel,
  type CodePick,
  type Expected,
  type PasskeyPick,
  type RecoveryCodePick,
  type Rules,
  type SessionPick,
} from './userRulesModel.ts';

export interface Step {
  command: UserCommand;
  before: UserState;
  after: UserState;
  decision: Decision;
}

export interface Real {
  state: UserState;
  steps: Step[];
  /** When set, every decision must be the one the model expects. */
  againstModel: boolean;
}

function apply(real: Real, command: UserCommand, expected: Expected): Decision {
  const before = real.state;
  const decision = decideUser(command, before);
  real.state = decision.events.reduce(evolveUser, before);
  real.steps.push({ command, before, after: real.state, decision });
  if (real.againstModel) {
    const actual = { error: decision.rejection?.error, events: decision.events.map((event) => event.type) };
    if (JSON.stringify(actual) !== JSON.stringify({ error: expected.error, events: expected.events })) {
      throw new Error(
        `${command.type} on ${JSON.stringify(command)}: the model expects ${JSON.stringify(expected)}, the decider answered ${JSON.stringify(actual)}`,
      );
    }
  }
  return decision;
}

type UserModelCommand = fc.Command<UserModel, Real>;

class StartLogin implements UserModelCommand {
  constructor(readonly passwordMatches: boolean) {}
  check = () => true;
  run(model: UserModel, real: Real) {
    const sessionId = model.nextId('login');
    const code = model.nextId('code');
    const command: UserCommand = {
      type: 'StartLogin',
      passwordMatches: this.passwordMatches,
      sessionId,
      otp: model.otp(code),
      now: model.at(),
      ...budgetOf(model),
      // The timed login lock has its own specifications; here it stays out of reach so the code rules are what is modelled.
      loginLock: { threshold: 1_000_000, baseSeconds: 60, maxSeconds: 3600 },
    };
    const expected = model.startLogin(this.passwordMatches, sessionId, code);
    const failed = apply(real, command, expected).events.find((event) => event.type === 'LoginFailed');
    if (
      real.againstModel &&
      failed?.type === 'LoginFailed' &&
      failed.data.consecutiveFailures !== model.wrongPasswordsInRow
    ) {
      throw new Error(
        `LoginFailed counts ${failed.data.consecutiveFailures} wrong passwords in a row, the model ${model.wrongPasswordsInRow}`,
      );
    }
  }
  toString() {
    return `StartLogin(${this.passwordMatches ? 'right' : 'wrong'} password)`;
  }
}

/** A step-up asked from the newest live login (or a dead one when none lives), under the same password rules. */
class StartStepUp implements UserModelCommand {
  constructor(readonly passwordMatches: boolean) {}
  check = () => true;
  run(model: UserModel, real: Real) {
    const stepUpId = model.nextId('step-up');
    const code = model.nextId('code');
    const familyId = model.familyToStepUpFrom();
    const command: UserCommand = {
      type: 'StartStepUp',
      passwordMatches: this.passwordMatches,
      stepUpId,
      action: 'WITHDRAW',
      transactionHash: 'txn',
      familyId,
      clientId: 'client-1',
      otp: model.otp(code),
      now: model.at(),
      ...budgetOf(model),
      loginLock: { threshold: 1_000_000, baseSeconds: 60, maxSeconds: 3600 },
    };
    const failed = apply(real, command, model.startStepUp(this.passwordMatches, stepUpId, code, familyId)).events[0];
    if (
      real.againstModel &&
      failed?.type === 'LoginFailed' &&
      failed.data.consecutiveFailures !== model.wrongPasswordsInRow
    )
      throw new Error(
        `a step-up's LoginFailed counts ${failed.data.consecutiveFailures}, the model ${model.wrongPasswordsInRow}`,
      );
  }
  toString() {
    return `StartStepUp(${this.passwordMatches ? 'right' : 'wrong'} password)`;
  }
}

/** A phone number change (to a number of its own) asked from the newest live login, with the password. */
class StartPhoneNumberChange implements UserModelCommand {
  constructor(readonly passwordMatches: boolean) {}
  check = () => true;
  run(model: UserModel, real: Real) {
    const sessionId = model.nextId('phone-change');
    const code = model.nextId('code');
    const familyId = model.familyToStepUpFrom();
    const command: UserCommand = {
      type: 'StartPhoneNumberChange',
      sessionId,
      phoneNumber: `+3369${sessionId.replace(/\D/g, '').padStart(7, '0')}`,
      familyId,
      clientId: 'client-1',
      proof: {
        type: 'PASSWORD',
        passwordMatches: this.passwordMatches,
        loginLock: { threshold: 1_000_000, baseSeconds: 60, maxSeconds: 3600 },
      },
      numberTaken: false,
      otp: model.otp(code),
      now: model.at(),
      ...budgetOf(model),
    };
    apply(real, command, model.startPhoneNumberChange(this.passwordMatches, sessionId, code, familyId));
  }
  toString() {
    return `StartPhoneNumberChange(${this.passwordMatches ? 'right' : 'wrong'} password)`;
  }
}

class StartPasswordReset implements UserModelCommand {
  check = () => true;
  run(model: UserModel, real: Real) {
    const sessionId = model.nextId('reset');
    const code = model.nextId('code');
    apply(
      real,
      {
        type: 'StartPasswordReset',
        sessionId,
        otp: model.otp(code),
        now: model.at(),
        ...budgetOf(model),
      },
      model.startPasswordReset(sessionId, code),
    );
  }
  toString() {
    return 'StartPasswordReset';
  }
}

class VerifyOtp implements UserModelCommand {
  constructor(
    readonly session: SessionPick,
    readonly code: CodePick,
  ) {}
  check = () => true;
  run(model: UserModel, real: Real) {
    const sessionId = model.pick(this.session);
    const presentedCodeHash = model.codeFor(sessionId, this.code);
    const familyId = model.nextId('family');
    apply(
      real,
      {
        type: 'VerifyOtp',
        sessionId,
        presentedCodeHash,
        familyId,
        newRefreshTokenHash: model.nextId('refresh'),
        refreshExpiresAt: model.at(86400),
        now: model.at(),
        accountLockThreshold: model.rules.lockThreshold,
        clientId: 'client-1',
        stepUpTokenId: 'step-up-token',
        stepUpExpiresAt: model.at(300),
        newNumberReserved: true,
        phoneNumberChangedNotice: 'sealed-notice',
        coolingOffSeconds: COOLING_OFF_SECONDS,
      },
      model.verify(sessionId, presentedCodeHash, familyId),
    );
  }
  toString() {
    return `VerifyOtp(${JSON.stringify(this.session)}, ${this.code} code)`;
  }
}

/** A challenge answered with a recovery code instead of its SMS code. */
class VerifyRecoveryCode implements UserModelCommand {
  constructor(
    readonly session: SessionPick,
    readonly code: RecoveryCodePick,
    readonly index: number,
  ) {}
  check = () => true;
  run(model: UserModel, real: Real) {
    const sessionId = model.pick(this.session);
    const presentedCodeHash = model.recoveryCodeFor(this.code, this.index);
    const familyId = model.nextId('family');
    apply(
      real,
      {
        type: 'VerifyOtp',
        sessionId,
        challengeType: 'RECOVERY_CODE',
        presentedCodeHash,
        familyId,
        newRefreshTokenHash: model.nextId('refresh'),
        refreshExpiresAt: model.at(86400),
        now: model.at(),
        accountLockThreshold: model.rules.lockThreshold,
        clientId: 'client-1',
        stepUpTokenId: 'step-up-token',
        stepUpExpiresAt: model.at(300),
      },
      model.verify(sessionId, presentedCodeHash, familyId, 'RECOVERY_CODE'),
    );
  }
  toString() {
    return `VerifyRecoveryCode(${JSON.stringify(this.session)}, ${this.code} code)`;
  }
}

/** A new set of recovery codes, with the password, from the newest live login (or a dead one when none lives). */
class GenerateRecoveryCodes implements UserModelCommand {
  constructor(readonly passwordMatches: boolean) {}
  check = () => true;
  run(model: UserModel, real: Real) {
    const familyId = model.familyToStepUpFrom();
    const codeHashes = Array.from({ length: 3 }, () => model.nextId('recovery'));
    const command: UserCommand = {
      type: 'GenerateRecoveryCodes',
      proof: {
        kind: 'PASSWORD',
        passwordMatches: this.passwordMatches,
        loginLock: { threshold: 1_000_000, baseSeconds: 60, maxSeconds: 3600 },
      },
      familyId,
      clientId: 'client-1',
      codeHashes,
      now: model.at(),
    };
    apply(real, command, model.generateRecoveryCodes(this.passwordMatches, familyId, codeHashes));
  }
  toString() {
    return `GenerateRecoveryCodes(${this.passwordMatches ? 'right' : 'wrong'} password)`;
  }
}

/** A challenge answered with the passkey's assertion, as the handler found it. */
class VerifyPasskey implements UserModelCommand {
  constructor(
    readonly session: SessionPick,
    readonly pick: PasskeyPick,
  ) {}
  check = () => true;
  run(model: UserModel, real: Real) {
    const sessionId = model.pick(this.session);
    const passkey = model.passkeyAssertion(this.pick);
    const familyId = model.nextId('family');
    apply(
      real,
      {
        type: 'VerifyOtp',
        sessionId,
        challengeType: 'PASSKEY',
        passkey,
        presentedCodeHash: '',
        familyId,
        newRefreshTokenHash: model.nextId('refresh'),
        refreshExpiresAt: model.at(86400),
        now: model.at(),
        accountLockThreshold: model.rules.lockThreshold,
        clientId: 'client-1',
        stepUpTokenId: 'step-up-token',
        stepUpExpiresAt: model.at(300),
      },
      model.verify(sessionId, '', familyId, 'PASSKEY', passkey),
    );
  }
  toString() {
    return `VerifyPasskey(${JSON.stringify(this.session)}, ${this.pick})`;
  }
}

/** The passkey registered (its attestation verified), from the newest live login (or a dead one when none lives). */
class RegisterPasskey implements UserModelCommand {
  check = () => true;
  run(model: UserModel, real: Real) {
    const familyId = model.familyToStepUpFrom();
    const credential = { credentialId: 'passkey-1', publicKey: 'cose-key', counter: 0, transports: ['internal'] };
    const command: UserCommand = {
      type: 'RegisterPasskey',
      verified: true,
      credential,
      proof: {
        kind: 'PASSWORD',
        passwordMatches: true,
        loginLock: { threshold: 1_000_000, baseSeconds: 60, maxSeconds: 3600 },
      },
      familyId,
      clientId: 'client-1',
      now: model.at(),
    };
    apply(real, command, model.registerPasskey(familyId));
  }
  toString() {
    return 'RegisterPasskey';
  }
}

class ResendOtp implements UserModelCommand {
  constructor(readonly session: SessionPick) {}
  check = () => true;
  run(model: UserModel, real: Real) {
    const sessionId = model.pick(this.session);
    const code = model.nextId('code');
    // A more generous limit at resend time (a changed setting) must not raise the challenge's own.
    apply(
      real,
      {
        type: 'ResendOtp',
        sessionId,
        otp: model.otp(code, model.rules.maxAttempts + 3),
        cooldownSeconds: model.rules.cooldownSeconds,
        now: model.at(),
        ...budgetOf(model),
      },
      model.resend(sessionId, code),
    );
  }
  toString() {
    return `ResendOtp(${JSON.stringify(this.session)})`;
  }
}

class StagePasswordChange implements UserModelCommand {
  constructor(readonly session: SessionPick) {}
  check = () => true;
  run(model: UserModel, real: Real) {
    const sessionId = model.pick(this.session);
    apply(
      real,
      { type: 'StagePasswordChange', sessionId, passwordHash: model.nextId('password'), now: model.at() },
      model.stage(sessionId),
    );
  }
  toString() {
    return `StagePasswordChange(${JSON.stringify(this.session)})`;
  }
}

class Wait implements UserModelCommand {
  constructor(readonly seconds: number) {}
  check = () => true;
  run(model: UserModel) {
    model.clock += this.seconds;
  }
  toString() {
    return `Wait(${this.seconds}s)`;
  }
}

function budgetOf(model: UserModel): { smsBudget?: SmsBudget } {
  return model.rules.smsBudget ? { smsBudget: model.rules.smsBudget } : {};
}

export const rulesArbitrary: fc.Arbitrary<Rules> = fc.record({
  maxAttempts: fc.integer({ min: 1, max: 5 }),
  // Low thresholds more often, so that most sequences lock the account and go on from there.
  lockThreshold: fc.oneof(
    { weight: 2, arbitrary: fc.integer({ min: 2, max: 4 }) },
    { weight: 1, arbitrary: fc.integer({ min: 5, max: 10 }) },
  ),
  ttlSeconds: fc.integer({ min: 60, max: 600 }),
  cooldownSeconds: fc.integer({ min: 0, max: 60 }),
  // A spent budget stops most sequences early, so most runs go without one.
  smsBudget: fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.record({
        perWindow: fc.integer({ min: 1, max: 8 }),
        windowSeconds: fc.integer({ min: 60, max: 900 }),
        perDay: fc.integer({ min: 3, max: 30 }),
      }),
    },
  ),
});

const sessionPick: fc.Arbitrary<SessionPick> = fc.oneof(
  { weight: 8, arbitrary: fc.nat(2).map((recent) => ({ recent })) },
  { weight: 1, arbitrary: fc.constantFrom(...UNKNOWN_SESSIONS).map((id) => ({ id })) },
);
const codePick = fc.constantFrom<CodePick>('right', 'wrong', 'wrong', 'earlier');

/** Sequences weighted towards what the rules are about: logins, step-ups, phone number changes, codes (mostly wrong ones), recovery codes, passkeys and resends. */
export const commandsArbitrary = fc.commands<UserModel, Real>(
  [
    fc.constantFrom(true, true, false).map((passwordMatches) => new StartLogin(passwordMatches)),
    fc.constantFrom(true, true, false).map((passwordMatches) => new StartStepUp(passwordMatches)),
    fc.constantFrom(true, true, false).map((passwordMatches) => new StartPhoneNumberChange(passwordMatches)),
    fc.tuple(sessionPick, codePick).map(([session, code]) => new VerifyOtp(session, code)),
    fc.tuple(sessionPick, codePick).map(([session, code]) => new VerifyOtp(session, code)),
    fc.tuple(sessionPick, codePick).map(([session, code]) => new VerifyOtp(session, code)),
    fc
      .tuple(sessionPick, fc.constantFrom<RecoveryCodePick>('unused', 'spent', 'wrong'), fc.nat(9))
      .map(([session, code, index]) => new VerifyRecoveryCode(session, code, index)),
    fc.constantFrom(true, true, false).map((passwordMatches) => new GenerateRecoveryCodes(passwordMatches)),
    fc.constant(null).map(() => new RegisterPasskey()),
    fc
      .tuple(sessionPick, fc.constantFrom<PasskeyPick>('good', 'failed', 'stale', 'unknown'))
      .map(([session, pick]) => new VerifyPasskey(session, pick)),
    fc
      .tuple(sessionPick, fc.constantFrom<PasskeyPick>('good', 'good', 'stale'))
      .map(([session, pick]) => new VerifyPasskey(session, pick)),
    sessionPick.map((session) => new ResendOtp(session)),
    fc.constant(null).map(() => new StartPasswordReset()),
    sessionPick.map((session) => new StagePasswordChange(session)),
    fc
      .oneof(
        { weight: 3, arbitrary: fc.integer({ min: 1, max: 60 }) },
        { weight: 1, arbitrary: fc.integer({ min: 61, max: 900 }) },
      )
      .map((seconds) => new Wait(seconds)),
  ],
  { maxCommands: 100, size: 'max' },
);

/** Runs one sequence against a registered user and returns every decision taken. */
/** The user's passkey, there from the start: registering it again is refused, and answers reach it often. */
const passkeyRegisteredAtStart: IdentityEvent = {
  type: 'PasskeyRegistered',
  data: {
    userId: 'user-1',
    credentialId: 'passkey-1',
    publicKey: 'cose-key',
    counter: 0,
    authorisedBy: 'PASSWORD',
    transports: ['internal'],
    clientId: 'client-1',
    registeredAt: '2026-01-01T00:00:00.000Z',
  },
};

export function play(rules: Rules, commands: Iterable<UserModelCommand>, againstModel = false): Step[] {
  const state = [registered(), passkeyRegisteredAtStart].reduce(evolveUser, initialUserState());
  const real: Real = { state, steps: [], againstModel };
  fc.modelRun(() => ({ model: new UserModel(rules), real }), commands);
  return real.steps;
}
