/**
 * A model of the one-time-code rules, for model-based tests of the user
 * decider: a few counters, a map of challenges, the logins and the step-ups
 * asked from them, the phone number changes waiting for their code and the
 * recovery codes and the passkey, enough to say what each command should answer
 * (docs/security.md, ADR 11, ADR 26, ADR 29, ADR 30, ADR 31).
 */
import type { ErrorName } from '@tessera/contracts';
import type { IssuedOtp, SmsBudget } from '../src/domain/oneTimeCodes.ts';
import { now as start } from './mothers.ts';

export interface Rules {
  maxAttempts: number;
  lockThreshold: number;
  ttlSeconds: number;
  cooldownSeconds: number;
  smsBudget: SmsBudget | undefined;
}

/** What a command should answer: the refusal, if any, and the types of the events recorded. */
export interface Expected {
  error?: ErrorName;
  events: string[];
}

interface ChallengeModel {
  purpose: 'LOGIN' | 'PASSWORD_RESET' | 'STEP_UP' | 'PHONE_NUMBER_CHANGE';
  code: string;
  earlierCodes: string[];
  issuedAt: number;
  expiresAt: number;
  failedAttempts: number;
  used: boolean;
  staged: boolean;
}

/** Session ids no challenge was opened with, among them names every plain object answers to. */
export const UNKNOWN_SESSIONS = [
  'no-such-session',
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
];

/** How long money-moving step-ups wait after a phone number change, in these runs. */
export const COOLING_OFF_SECONDS = 600;

/** The code of a session whose SMS the budget held back: none, and no presented code matches it. */
const HELD_BACK = '';

export type SessionPick = { recent: number } | { id: string };
export type CodePick = 'right' | 'wrong' | 'earlier';
/** A recovery code: one still unused, one used or replaced already, or a guess. */
export type RecoveryCodePick = 'unused' | 'spent' | 'wrong';
/** A passkey's assertion: verified with a counter that grows, one that did not verify, a clone's old counter, or another passkey. */
export type PasskeyPick = 'good' | 'failed' | 'stale' | 'unknown';
/** What answers a challenge. */
export type AnswerKind = 'SMS_OTP' | 'RECOVERY_CODE' | 'PASSKEY';

export class UserModel {
  /** Seconds since the start of the run. */
  clock = 0;
  readonly challenges = new Map<string, ChallengeModel>();
  /** Every session opened, newest last, including those whose code the SMS budget suppressed. */
  readonly sessions: string[] = [];
  wrongCodesInRow = 0;
  wrongPasswordsInRow = 0;
  locked = false;
  phoneVerified = false;
  liveLogins = 0;
  /** The recovery codes of the newest set not used yet; `spentRecoveryCodes` those used or replaced. */
  recoveryCodes: string[] = [];
  readonly spentRecoveryCodes: string[] = [];
  /** The user's one passkey (registered before the run, so sequences reach it often): the greatest counter seen. */
  passkeyCounter: number | undefined = 0;
  /** Logins by family id: a step-up is asked from a live one. */
  readonly families = new Map<string, { expiresAt: number; revoked: boolean }>();
  /** The step-ups the user's state remembers, oldest first, with the login each was asked from. */
  private stepUps: { stepUpId: string; familyId: string; revoked?: true }[] = [];
  /** Phone number changes waiting for their code (each to a number of its own), with the codes that number received. */
  private phoneChanges: { sessionId: string; familyId: string; issuedAt: number[] }[] = [];
  /** Step-ups for WITHDRAW are refused until then (seconds since the start). */
  private coolingOffUntil = Number.NEGATIVE_INFINITY;
  private issuedAt: number[] = [];
  private ids = 0;

  constructor(readonly rules: Rules) {}

  nextId(prefix: string): string {
    this.ids += 1;
    return `${prefix}-${this.ids}`;
  }

  at(secondsFromNow = 0): string {
    return new Date(Date.parse(start) + (this.clock + secondsFromNow) * 1000).toISOString();
  }

  /** The code the handler would make now, as its hash and sealed delivery. */
  otp(codeHash: string, maxAttempts = this.rules.maxAttempts): IssuedOtp {
    return {
      codeHash,
      sealedDelivery: 'sealed',
      destinationHint: '+33*******78',
      expiresAt: this.at(this.rules.ttlSeconds),
      maxAttempts,
    };
  }

  pick(session: SessionPick): string {
    if ('id' in session) return session.id;
    if (this.sessions.length === 0) return UNKNOWN_SESSIONS[0]!;
    return this.sessions[this.sessions.length - 1 - (session.recent % this.sessions.length)]!;
  }

  codeFor(sessionId: string, code: CodePick): string {
    const challenge = this.challenges.get(sessionId);
    if (code === 'right' && challenge) return challenge.code;
    if (code === 'earlier') {
      const other = [...this.challenges.entries()].find(([id]) => id !== sessionId)?.[1].code;
      return challenge?.earlierCodes.at(-1) ?? other ?? 'wrong-code';
    }
    return 'wrong-code';
  }

  /** Whether the SMS budget lets one more code go now to the phone that received codes at `issuedAt`. */
  private withinBudget(issuedAt: number[]): boolean {
    const budget = this.rules.smsBudget;
    if (!budget) return true;
    const sentWithin = (seconds: number) => issuedAt.filter((at) => this.clock - at < seconds).length;
    return sentWithin(budget.windowSeconds) < budget.perWindow && sentWithin(24 * 3600) < budget.perDay;
  }

  /**
   * A new code on the session, or none when the budget is spent: the event
   * that records which. A held-back code leaves a session that no code opens
   * but that otherwise lives like one whose code was sent.
   */
  private issue(sessionId: string, purpose: ChallengeModel['purpose'], sentCode: string): string {
    // A new number's code counts against that number's budget, not the current phone's.
    const sends = purpose === 'PHONE_NUMBER_CHANGE' ? (this.phoneChange(sessionId)?.issuedAt ?? []) : this.issuedAt;
    const sent = this.withinBudget(sends);
    const code = sent ? sentCode : HELD_BACK;
    if (sent) sends.push(this.clock);
    const previous = this.challenges.get(sessionId);
    this.challenges.set(sessionId, {
      purpose,
      code,
      earlierCodes: previous ? [...previous.earlierCodes, previous.code] : [],
      issuedAt: this.clock,
      expiresAt: this.clock + this.rules.ttlSeconds,
      failedAttempts: previous?.failedAttempts ?? 0,
      used: false,
      staged: previous?.staged ?? false,
    });
    return sent ? 'OtpIssued' : 'OtpSendingSuppressed';
  }

  private closed(challenge: ChallengeModel): ErrorName | undefined {
    if (challenge.used) return 'OTP_ALREADY_USED';
    if (challenge.failedAttempts >= this.rules.maxAttempts) return 'OTP_ATTEMPTS_EXHAUSTED';
    if (this.clock >= challenge.expiresAt) return 'OTP_EXPIRED';
    return undefined;
  }

  /** `refusedAfterPassword`: a refusal the right password meets (a cooling-off); it clears no count. */
  startLogin(
    passwordMatches: boolean,
    sessionId: string,
    code: string,
    issue = true,
    refusedAfterPassword?: Expected,
  ): Expected {
    if (!passwordMatches) {
      this.wrongPasswordsInRow += 1;
      return { error: 'INVALID_CREDENTIALS', events: ['LoginFailed'] };
    }
    if (this.locked) return { error: 'ACCOUNT_LOCKED', events: [] };
    if (refusedAfterPassword) return refusedAfterPassword;
    this.wrongPasswordsInRow = 0;
    this.sessions.push(sessionId);
    return { events: issue ? [this.issue(sessionId, 'LOGIN', code)] : [] };
  }

  /** The newest login still alive, else the newest one (to be refused), else none at all. */
  familyToStepUpFrom(): string {
    const ids = [...this.families.keys()].reverse();
    return ids.find((id) => this.familyLive(id)) ?? ids[0] ?? 'no-login';
  }

  private familyLive(familyId: string): boolean {
    const family = this.families.get(familyId);
    return family !== undefined && !family.revoked && this.clock < family.expiresAt;
  }

  /** The password as at login (the same count of wrong ones), from a live login only. */
  startStepUp(passwordMatches: boolean, stepUpId: string, code: string, familyId: string): Expected {
    if (!this.familyLive(familyId)) return { error: 'UNAUTHENTICATED', events: [] };
    // The step-ups of these runs are withdrawals: held back, and recorded, during a phone number change's cooling-off.
    const coolingOff: Expected | undefined =
      this.clock < this.coolingOffUntil ? { error: 'STEP_UP_COOLING_OFF', events: ['StepUpRefused'] } : undefined;
    const refused = this.startLogin(passwordMatches, stepUpId, code, false, coolingOff);
    if (refused.error) return refused;
    this.stepUps = [...this.stepUps, { stepUpId, familyId }].slice(-20);
    return { events: ['StepUpRequested', this.issue(stepUpId, 'STEP_UP', code)] };
  }

  /** A new number, with the password as at login, from a live login; the code goes to the new number. */
  startPhoneNumberChange(passwordMatches: boolean, sessionId: string, code: string, familyId: string): Expected {
    if (!this.familyLive(familyId)) return { error: 'UNAUTHENTICATED', events: [] };
    const refused = this.startLogin(passwordMatches, sessionId, code, false);
    if (refused.error) return refused;
    this.phoneChanges = [...this.phoneChanges, { sessionId, familyId, issuedAt: [] }].slice(-10);
    return { events: ['PhoneNumberChangeRequested', this.issue(sessionId, 'PHONE_NUMBER_CHANGE', code)] };
  }

  private phoneChange(sessionId: string) {
    return this.phoneChanges.find((change) => change.sessionId === sessionId);
  }

  /** Why a step-up's or a phone number change's code is refused before it is compared. */
  private askedForRefusal(challenge: ChallengeModel, sessionId: string): ErrorName | undefined {
    if (challenge.purpose !== 'STEP_UP' && challenge.purpose !== 'PHONE_NUMBER_CHANGE') return undefined;
    const asked =
      challenge.purpose === 'STEP_UP'
        ? this.stepUps.find((remembered) => remembered.stepUpId === sessionId)
        : this.phoneChange(sessionId);
    if (!asked) return 'OTP_EXPIRED';
    return this.familyLive(asked.familyId) && !('revoked' in asked) ? undefined : 'STEP_UP_SESSION_ENDED';
  }

  /** The new number's right code: it becomes the phone (its budget with it), other logins end, withdrawals wait. */
  private phoneNumberChanged(sessionId: string): Expected {
    const change = this.phoneChange(sessionId)!;
    const others = [...this.families.entries()].filter(([id, family]) => id !== change.familyId && !family.revoked);
    for (const [, family] of others) family.revoked = true;
    this.liveLogins -= others.length;
    // Step-ups asked before, even from the same login, are not to be completed after it.
    this.stepUps = this.stepUps.map((stepUp) => ({ ...stepUp, revoked: true }));
    this.issuedAt = [...change.issuedAt];
    this.phoneChanges = [];
    this.phoneVerified = true;
    this.coolingOffUntil = this.clock + COOLING_OFF_SECONDS;
    return { events: ['OtpVerified', 'PhoneNumberChanged', ...(others.length > 0 ? ['SessionsRevoked'] : [])] };
  }

  /** The password as at login (the same count of wrong ones), from a live login only; a new set replaces the old. */
  generateRecoveryCodes(passwordMatches: boolean, familyId: string, codes: string[]): Expected {
    if (!this.familyLive(familyId)) return { error: 'UNAUTHENTICATED', events: [] };
    if (!passwordMatches) {
      this.wrongPasswordsInRow += 1;
      return { error: 'INVALID_CREDENTIALS', events: ['LoginFailed'] };
    }
    if (this.locked) return { error: 'ACCOUNT_LOCKED', events: [] };
    this.wrongPasswordsInRow = 0;
    this.spentRecoveryCodes.push(...this.recoveryCodes);
    this.recoveryCodes = [...codes];
    return { events: ['RecoveryCodesGenerated'] };
  }

  recoveryCodeFor(pick: RecoveryCodePick, index: number): string {
    const from = pick === 'unused' ? this.recoveryCodes : pick === 'spent' ? this.spentRecoveryCodes : [];
    return from.length === 0 ? 'wrong-recovery-code' : from[index % from.length]!;
  }

  /** From a live login only, with the right password; the same credential once. */
  registerPasskey(familyId: string): Expected {
    if (!this.familyLive(familyId)) return { error: 'UNAUTHENTICATED', events: [] };
    // The right password again: a locked account is told so, as at login.
    if (this.locked) return { error: 'ACCOUNT_LOCKED', events: [] };
    if (this.passkeyCounter !== undefined) return { error: 'PASSKEY_ALREADY_REGISTERED', events: [] };
    this.passkeyCounter = 0;
    return { events: ['PasskeyRegistered'] };
  }

  /** The assertion a pick stands for, as the handler would pass it on. */
  passkeyAssertion(pick: PasskeyPick) {
    const counter = this.passkeyCounter ?? 0;
    if (pick === 'unknown') return { credentialId: 'passkey-other', verified: true, counter: counter + 1 };
    return {
      credentialId: 'passkey-1',
      verified: pick !== 'failed',
      counter: pick === 'stale' ? counter : counter + 1,
    };
  }

  private passkeyRight(assertion: { credentialId: string; verified: boolean; counter: number }): boolean {
    const stored = this.passkeyCounter;
    if (stored === undefined || assertion.credentialId !== 'passkey-1' || !assertion.verified) return false;
    return assertion.counter > stored || (assertion.counter === 0 && stored === 0);
  }

  startPasswordReset(sessionId: string, code: string): Expected {
    this.sessions.push(sessionId);
    return { events: ['PasswordResetStarted', this.issue(sessionId, 'PASSWORD_RESET', code)] };
  }

  verify(
    sessionId: string,
    presented: string,
    familyId: string,
    answer: AnswerKind = 'SMS_OTP',
    assertion = this.passkeyAssertion('failed'),
  ): Expected {
    const withRecoveryCode = answer === 'RECOVERY_CODE';
    const challenge = this.challenges.get(sessionId);
    if (!challenge) return { error: 'OTP_INVALID', events: [] };
    const closed = this.closed(challenge);
    if (closed) return { error: closed, events: [] };
    // A step-up proves possession of the phone: only its SMS code answers it.
    if (withRecoveryCode && challenge.purpose !== 'LOGIN' && challenge.purpose !== 'PASSWORD_RESET')
      return { error: 'CHALLENGE_TYPE_MISMATCH', events: [] };
    // A passkey answers a login or a step-up; a reset and a new number need their SMS.
    if (answer === 'PASSKEY' && challenge.purpose !== 'LOGIN' && challenge.purpose !== 'STEP_UP')
      return { error: 'CHALLENGE_TYPE_MISMATCH', events: [] };
    if (challenge.purpose !== 'PASSWORD_RESET' && this.locked) return { error: 'ACCOUNT_LOCKED', events: [] };
    if (challenge.purpose === 'PASSWORD_RESET' && !challenge.staged)
      return { error: 'PASSWORD_NOT_STAGED', events: [] };
    const askedForRefused = this.askedForRefusal(challenge, sessionId);
    if (askedForRefused) return { error: askedForRefused, events: [] };
    const right =
      answer === 'PASSKEY'
        ? this.passkeyRight(assertion)
        : withRecoveryCode
          ? this.recoveryCodes.includes(presented)
          : challenge.code !== HELD_BACK && presented === challenge.code;
    if (!right) {
      challenge.failedAttempts += 1;
      this.wrongCodesInRow += 1;
      if (!this.locked && this.wrongCodesInRow >= this.rules.lockThreshold) {
        this.locked = true;
        return { error: 'ACCOUNT_LOCKED', events: ['OtpVerificationFailed', 'UserLockedOut'] };
      }
      return { error: 'OTP_INVALID', events: ['OtpVerificationFailed'] };
    }
    challenge.used = true;
    this.wrongCodesInRow = 0;
    if (challenge.purpose === 'PHONE_NUMBER_CHANGE') return this.phoneNumberChanged(sessionId);
    const events = ['OtpVerified'];
    if (withRecoveryCode) {
      // Used up; and it proves nothing about the phone.
      this.recoveryCodes = this.recoveryCodes.filter((code) => code !== presented);
      this.spentRecoveryCodes.push(presented);
      events.push('RecoveryCodeUsed');
    } else if (answer === 'PASSKEY') {
      // Its counter moves on; and it proves nothing about the phone.
      this.passkeyCounter = assertion.counter;
      events.push('PasskeyUsed');
    } else {
      if (!this.phoneVerified) events.push('PhoneNumberVerified');
      this.phoneVerified = true;
    }
    if (challenge.purpose === 'LOGIN') {
      this.liveLogins += 1;
      this.families.set(familyId, { expiresAt: this.clock + 86400, revoked: false });
      return { events: [...events, 'SessionStarted'] };
    }
    if (challenge.purpose === 'STEP_UP') return { events: [...events, 'StepUpCompleted'] };
    for (const family of this.families.values()) family.revoked = true;
    // A reset ends what the old password had under way.
    this.phoneChanges = [];
    this.locked = false;
    // A committed reset replaces the password being guessed: its wrong-password count goes with it.
    this.wrongPasswordsInRow = 0;
    const revoked = this.liveLogins > 0 ? ['SessionsRevoked'] : [];
    this.liveLogins = 0;
    return { events: [...events, 'PasswordChanged', ...revoked] };
  }

  resend(sessionId: string, code: string): Expected {
    const challenge = this.challenges.get(sessionId);
    if (!challenge) return { error: 'OTP_INVALID', events: [] };
    if (challenge.used) return { error: 'OTP_ALREADY_USED', events: [] };
    if (challenge.failedAttempts >= this.rules.maxAttempts) return { error: 'OTP_ATTEMPTS_EXHAUSTED', events: [] };
    // A locked account gets no login or step-up code by any path until a password reset.
    if (challenge.purpose !== 'PASSWORD_RESET' && this.locked) return { error: 'ACCOUNT_LOCKED', events: [] };
    const askedForRefused = this.askedForRefusal(challenge, sessionId);
    if (askedForRefused) return { error: askedForRefused, events: [] };
    if (this.clock - challenge.issuedAt < this.rules.cooldownSeconds)
      return { error: 'OTP_RESEND_TOO_SOON', events: [] };
    return { events: [this.issue(sessionId, challenge.purpose, code)] };
  }

  stage(sessionId: string): Expected {
    const challenge = this.challenges.get(sessionId);
    if (!challenge || challenge.purpose !== 'PASSWORD_RESET') return { error: 'SESSION_NOT_RESETTABLE', events: [] };
    const closed = this.closed(challenge);
    if (closed) return { error: closed, events: [] };
    challenge.staged = true;
    return { events: ['PasswordChangeStaged'] };
  }
}
