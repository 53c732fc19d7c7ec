/** Builders of valid events and commands, so each spec states only what matters to it. */
import type { Test } from 'tap';
import type { EventOf, IdentityEvent, OtpPurposeName } from '@tessera/contracts';
import { deciderSpecification, otpIssued as anOtpIssued } from '@tessera/testing';
import type { LoginLockPolicy } from '../src/domain/loginLock.ts';
import type { IssuedOtp, SmsBudget } from '../src/domain/oneTimeCodes.ts';
import { decideUser } from '../src/domain/userDecider.ts';
import { evolveUser, initialUserState } from '../src/domain/userState.ts';

export const userId = 'user-1';
export const now = '2026-01-01T10:00:00.000Z';
export const secondsAfter = (seconds: number, from = now) => new Date(Date.parse(from) + seconds * 1000).toISOString();

export function registered(overrides: Partial<EventOf<'UserRegistered'>['data']> = {}): IdentityEvent {
  return {
    type: 'UserRegistered',
    data: {
      userId,
      email: 'ada@example.com',
      phoneNumber: '+33612345678',
      passwordHash: '$argon2id$stub',
      roles: ['USER'],
      clientId,
      ...overrides,
    },
  };
}

export function otp(overrides: Partial<IssuedOtp> = {}): IssuedOtp {
  return {
    codeHash: 'hash-of-right-code',
    sealedDelivery: 'sealed',
    destinationHint: '+33*******78',
    expiresAt: secondsAfter(300),
    maxAttempts: 3,
    ...overrides,
  };
}

/** The shared `OtpIssued` builder, on this file's user and clock: issued at `now`, valid five minutes. */
export function otpIssued(
  sessionId: string,
  purpose: OtpPurposeName = 'LOGIN',
  overrides: Partial<IssuedOtp> & { issuedAt?: string } = {},
): IdentityEvent {
  return anOtpIssued({ userId, sessionId, purpose, ...otp(overrides), issuedAt: overrides.issuedAt ?? now });
}

export function wrongCode(sessionId: string, failedAttempts: number, maxAttempts = 3): IdentityEvent {
  return {
    type: 'OtpVerificationFailed',
    data: { userId, sessionId, failedAttempts, attemptsLeft: maxAttempts - failedAttempts },
  };
}

/** The API client the user signed up through, and that every command comes from unless a spec says otherwise. */
export const clientId = 'client-1';

export function sessionStarted(
  familyId: string,
  refreshTokenHash: string,
  expiresAt = secondsAfter(86400),
  through = clientId,
): IdentityEvent {
  return {
    type: 'SessionStarted',
    data: { userId, sessionId: `session-of-${familyId}`, familyId, refreshTokenHash, expiresAt, clientId: through },
  };
}

export function verifyCommand(sessionId: string, presentedCodeHash = 'hash-of-right-code', at = secondsAfter(10)) {
  return {
    type: 'VerifyOtp' as const,
    sessionId,
    presentedCodeHash,
    familyId: 'family-new',
    newRefreshTokenHash: 'refresh-new',
    refreshExpiresAt: secondsAfter(86400, at),
    now: at,
    accountLockThreshold: 10,
    clientId,
    stepUpTokenId: 'token-new',
    stepUpExpiresAt: secondsAfter(300, at),
  };
}

/** The defaults: five wrong passwords, then 1 minute, doubling up to an hour. */
export const loginLock: LoginLockPolicy = { threshold: 5, baseSeconds: 60, maxSeconds: 3600 };

export function loginCommand(
  passwordMatches: boolean,
  overrides: { sessionId?: string; now?: string; smsBudget?: SmsBudget } = {},
) {
  return { type: 'StartLogin' as const, passwordMatches, sessionId: 's1', otp: otp(), now, loginLock, ...overrides };
}

/** Given events, when a command, then events or a refusal: the user stream's decider, as its specifications run it. */
export const userSpecification = (t: Test) =>
  deciderSpecification(t, { decide: decideUser, evolve: evolveUser, initialState: initialUserState });
