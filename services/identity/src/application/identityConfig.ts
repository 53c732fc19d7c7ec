import type { PasswordHasher, BoxKeyPair } from '@tessera/crypto';
import type { EventStore } from '@tessera/event-store';
import type { LoginLockPolicy } from '../domain/loginLock.ts';

export interface IdentityConfig {
  otpLength: number;
  otpTtlSeconds: number;
  /** Wrong codes a challenge takes before it is dead. */
  otpMaxAttempts: number;
  otpResendCooldownSeconds: number;
  /** Consecutive wrong codes on one account, across challenges and resends, before only a password reset unlocks it. */
  otpAccountLockThreshold: number;
  /** Wrong passwords in a row before login locks, and how long each lock lasts (doubling up to a cap). */
  loginLock: LoginLockPolicy;
  /** Codes one phone may receive per window and per day; past it, no SMS and a normal-looking answer. */
  smsBudget: { perWindow: number; windowSeconds: number; perDay: number };
  /** Absolute lifetime of a login's refresh-token family. */
  refreshTokenTtlSeconds: number;
  allowedSignUpRoles: readonly string[];
  /** A reservation whose user never appeared is reclaimable after this long (a crash mid sign-up). */
  reservationStaleAfterSeconds: number;
}

export const defaultIdentityConfig: IdentityConfig = {
  otpLength: 4,
  otpTtlSeconds: 300,
  otpMaxAttempts: 3,
  otpResendCooldownSeconds: 30,
  otpAccountLockThreshold: 10,
  loginLock: { threshold: 5, baseSeconds: 60, maxSeconds: 3600 },
  smsBudget: { perWindow: 3, windowSeconds: 15 * 60, perDay: 10 },
  refreshTokenTtlSeconds: 30 * 24 * 3600,
  allowedSignUpRoles: ['USER'],
  reservationStaleAfterSeconds: 60,
};

export interface IdentityKeys {
  /** Keys the hashes of codes and of reserved emails/phones. */
  hashingKey: Buffer;
  /** Opens the secrets the gateway seals into commands. */
  commandKeyPair: BoxKeyPair;
  /** The notifier's key: codes are sealed to it. */
  notifierPublicKey: Buffer;
}

export interface IdentityDependencies {
  eventStore: EventStore;
  passwordHasher: PasswordHasher;
  keys: IdentityKeys;
  config: IdentityConfig;
  clock: () => Date;
}
