/**
 * A model of the one-time-code rules, for model-based tests of the user
 * decider: a few counters and a map of challenges, enough to say what each
 * command should answer (docs/security.md, ADR 11).
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
  purpose: 'LOGIN' | 'PASSWORD_RESET';
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

/** The code of a session whose SMS the budget held back: none, and no presented code matches it. */
const HELD_BACK = '';

export type SessionPick = { recent: number } | { id: string };
export type CodePick = 'right' | 'wrong' | 'earlier';

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

  /** Whether the SMS budget lets one more code go now. */
  private withinBudget(): boolean {
    const budget = this.rules.smsBudget;
    if (!budget) return true;
    const sentWithin = (seconds: number) => this.issuedAt.filter((issuedAt) => this.clock - issuedAt < seconds).length;
    return sentWithin(budget.windowSeconds) < budget.perWindow && sentWithin(24 * 3600) < budget.perDay;
  }

  /**
   * A new code on the session, or none when the budget is spent: the event
   * that records which. A held-back code leaves a session that no code opens
   * but that otherwise lives like one whose code was sent.
   */
  private issue(sessionId: string, purpose: ChallengeModel['purpose'], sentCode: string): string {
    const sent = this.withinBudget();
    const code = sent ? sentCode : HELD_BACK;
    if (sent) this.issuedAt.push(this.clock);
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

  startLogin(passwordMatches: boolean, sessionId: string, code: string): Expected {
    if (!passwordMatches) {
      this.wrongPasswordsInRow += 1;
      return { error: 'INVALID_CREDENTIALS', events: ['LoginFailed'] };
    }
    if (this.locked) return { error: 'ACCOUNT_LOCKED', events: [] };
    this.wrongPasswordsInRow = 0;
    this.sessions.push(sessionId);
    return { events: [this.issue(sessionId, 'LOGIN', code)] };
  }

  startPasswordReset(sessionId: string, code: string): Expected {
    this.sessions.push(sessionId);
    return { events: ['PasswordResetStarted', this.issue(sessionId, 'PASSWORD_RESET', code)] };
  }

  verify(sessionId: string, presented: string): Expected {
    const challenge = this.challenges.get(sessionId);
    if (!challenge) return { error: 'OTP_INVALID', events: [] };
    const closed = this.closed(challenge);
    if (closed) return { error: closed, events: [] };
    if (challenge.purpose === 'LOGIN' && this.locked) return { error: 'ACCOUNT_LOCKED', events: [] };
    if (challenge.purpose === 'PASSWORD_RESET' && !challenge.staged)
      return { error: 'PASSWORD_NOT_STAGED', events: [] };
    if (challenge.code === HELD_BACK || presented !== challenge.code) {
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
    const events = ['OtpVerified'];
    if (!this.phoneVerified) events.push('PhoneNumberVerified');
    this.phoneVerified = true;
    if (challenge.purpose === 'LOGIN') {
      this.liveLogins += 1;
      return { events: [...events, 'SessionStarted'] };
    }
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
    // A locked account gets no login code by any path until a password reset.
    if (challenge.purpose === 'LOGIN' && this.locked) return { error: 'ACCOUNT_LOCKED', events: [] };
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
