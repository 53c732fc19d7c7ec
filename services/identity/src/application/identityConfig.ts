import type { PasswordHasher, BoxKeyPair } from '@tessera/crypto';
import type { EventStore } from '@tessera/event-store';
import type { PersonalDataProtector } from '@tessera/personal-data';
import type { KycProvider, WalletIssuer } from '@tessera/providers';
import type { BreachedPasswordList } from './breachedPasswordList.ts';
import type { LoginLockPolicy } from '../domain/loginLock.ts';
import type { RelyingParty } from './passkeyVerification.ts';
import type { DecoyCountry } from './unknownEmailDecoys.ts';

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
  /** How long a step-up token may be consumed after its code was verified (at most 5 minutes). */
  stepUpTokenTtlSeconds: number;
  /** After a phone number change, step-ups for WITHDRAW and ADD_BENEFICIARY are refused this long; 0 refuses none. */
  phoneChangeCoolingOffSeconds: number;
  /** "New sign-in" SMS per user per 24 hours when a session starts on a device new to the user; 0 sends none. */
  newDeviceNoticesPerDay: number;
  allowedSignUpRoles: readonly string[];
  /** A reservation whose user never appeared is reclaimable after this long (a crash mid sign-up). */
  reservationStaleAfterSeconds: number;
  /** Streams whose rebuilt state stays in memory, so a command reads only the events since (0 turns the cache off). */
  cachedStreams: number;
  /** Identifications a user may start with the KYC provider (each costs the partner money). */
  kycMaxAttempts: number;
  /** Emails without a user whose phantom (lock counts, reset sessions, SMS budget) is kept in memory. */
  unknownEmailsRemembered: number;
  /** Countries whose numbers decoys imitate, in proportion; empty: learned from the real users' numbers. */
  decoyPhoneCountries: DecoyCountry[];
  /** Each API client's WebAuthn relying party (its domain and origins); a client without one offers no passkeys. */
  passkeyRelyingParties: Record<string, RelyingParty>;
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
  stepUpTokenTtlSeconds: 300,
  phoneChangeCoolingOffSeconds: 24 * 3600,
  newDeviceNoticesPerDay: 3,
  allowedSignUpRoles: ['USER'],
  reservationStaleAfterSeconds: 60,
  cachedStreams: 10_000,
  kycMaxAttempts: 3,
  unknownEmailsRemembered: 100_000,
  decoyPhoneCountries: [],
  passkeyRelyingParties: {},
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
  /** The raw store: identity encrypts personal data on the way in (the relay publishes what is stored, ciphertext). */
  eventStore: EventStore;
  /** Per-user keys: encrypts personal fields, and erases a user by destroying their key. */
  personalData: PersonalDataProtector;
  /** Starts identifications; the verdict comes back on the signed callback. */
  kycProvider: KycProvider;
  /** Issues a public address per portfolio. */
  wallet: WalletIssuer;
  passwordHasher: PasswordHasher;
  /** New passwords on it are refused; loaded once at start. */
  breachedPasswords: BreachedPasswordList;
  keys: IdentityKeys;
  config: IdentityConfig;
  clock: () => Date;
}
