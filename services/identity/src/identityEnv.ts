import type { EnvReader } from '@tessera/runtime';
import { defaultIdentityConfig, type IdentityConfig } from './application/identityConfig.ts';
import { isDecoyRegion, type DecoyCountry } from './application/unknownEmailDecoys.ts';
import { relyingPartiesProblems, type RelyingParty } from './application/passkeyRelyingParties.ts';

function readLoginLock(read: EnvReader): IdentityConfig['loginLock'] {
  const defaults = defaultIdentityConfig.loginLock;
  const lock = {
    threshold: read.integer('LOGIN_LOCK_THRESHOLD', defaults.threshold, 3, 1000),
    baseSeconds: read.integer('LOGIN_LOCK_BASE_SECONDS', defaults.baseSeconds, 1, 3600),
    maxSeconds: read.integer('LOGIN_LOCK_MAX_SECONDS', defaults.maxSeconds, 1, 7 * 24 * 3600),
  };
  if (lock.maxSeconds < lock.baseSeconds)
    read.problem('LOGIN_LOCK_MAX_SECONDS must be at least LOGIN_LOCK_BASE_SECONDS');
  return lock;
}

/** `FR:70,BE:20,CH:10` (or just `FR`): the countries decoy numbers imitate, in proportion. */
function readDecoyCountries(read: EnvReader): DecoyCountry[] {
  const entries = read.list('DECOY_PHONE_COUNTRIES', []);
  const countries: DecoyCountry[] = [];
  for (const entry of entries) {
    const [region = '', weight = '1', extra] = entry.split(':').map((part) => part.trim());
    const parsedWeight = Number(weight);
    if (
      extra !== undefined ||
      !isDecoyRegion(region.toUpperCase()) ||
      !Number.isInteger(parsedWeight) ||
      parsedWeight < 1 ||
      parsedWeight > 1000
    ) {
      read.problem(
        `DECOY_PHONE_COUNTRIES takes ISO 3166 regions with optional whole weights, such as FR:70,BE:30 (not "${entry.slice(0, 20)}")`,
      );
      continue;
    }
    countries.push({ region: region.toUpperCase(), weight: parsedWeight });
  }
  return countries;
}

/** Identity's settings from the environment; the same variables in every mode. */
export function readIdentitySettings(read: EnvReader): {
  identity: IdentityConfig;
  passwordHashing: { memoryBytes: number; iterations: number };
} {
  const memoryKib = read.integer('ARGON2_MEMORY_KIB', 19 * 1024, 8 * 1024, 4 * 1024 * 1024);
  const iterations = read.integer('ARGON2_ITERATIONS', 2, 1, 20);
  return {
    passwordHashing: { memoryBytes: memoryKib * 1024, iterations },
    identity: {
      ...defaultIdentityConfig,
      otpLength: read.integer('OTP_LENGTH', defaultIdentityConfig.otpLength, 4, 10),
      otpTtlSeconds: read.integer('OTP_TTL_SECONDS', defaultIdentityConfig.otpTtlSeconds, 30, 3600),
      otpMaxAttempts: read.integer('OTP_MAX_ATTEMPTS', defaultIdentityConfig.otpMaxAttempts, 1, 10),
      otpResendCooldownSeconds: read.integer(
        'OTP_RESEND_COOLDOWN_SECONDS',
        defaultIdentityConfig.otpResendCooldownSeconds,
        0,
        3600,
      ),
      otpAccountLockThreshold: read.integer(
        'OTP_ACCOUNT_LOCK_THRESHOLD',
        defaultIdentityConfig.otpAccountLockThreshold,
        3,
        100,
      ),
      loginLock: readLoginLock(read),
      kycMaxAttempts: read.integer('KYC_MAX_ATTEMPTS', defaultIdentityConfig.kycMaxAttempts, 1, 20),
      smsBudget: {
        perWindow: read.integer('SMS_BUDGET_PER_WINDOW', defaultIdentityConfig.smsBudget.perWindow, 1, 100),
        windowSeconds: read.integer(
          'SMS_BUDGET_WINDOW_SECONDS',
          defaultIdentityConfig.smsBudget.windowSeconds,
          60,
          24 * 3600,
        ),
        perDay: read.integer('SMS_BUDGET_PER_DAY', defaultIdentityConfig.smsBudget.perDay, 1, 100),
      },
      refreshTokenTtlSeconds: read.integer(
        'REFRESH_TOKEN_TTL_SECONDS',
        defaultIdentityConfig.refreshTokenTtlSeconds,
        60,
        365 * 24 * 3600,
      ),
      stepUpTokenTtlSeconds: read.integer(
        'STEP_UP_TOKEN_TTL_SECONDS',
        defaultIdentityConfig.stepUpTokenTtlSeconds,
        30,
        300,
      ),
      phoneChangeCoolingOffSeconds: readCoolingOff(read),
      newDeviceNoticesPerDay: read.integer(
        'NEW_DEVICE_NOTICES_PER_DAY',
        defaultIdentityConfig.newDeviceNoticesPerDay,
        0,
        20,
      ),
      allowedSignUpRoles: read.list('SIGNUP_ROLES', [...defaultIdentityConfig.allowedSignUpRoles]),
      decoyPhoneCountries: readDecoyCountries(read),
      passkeyRelyingParties: readPasskeyRelyingParties(read),
    },
  };
}

/** After a phone number change: 0 (none) to 30 days, so a typo cannot hold withdrawals back for ever. */
function readCoolingOff(read: EnvReader): number {
  const fallback = defaultIdentityConfig.phoneChangeCoolingOffSeconds;
  return read.integer('PHONE_CHANGE_COOLING_OFF_SECONDS', fallback, 0, 30 * 24 * 3600);
}

/** How often identity signs a checkpoint of the event log (ADR 32): every so many events, or seconds once any arrived. */
export interface AuditCheckpointSettings {
  everyEvents: number;
  everySeconds: number;
}

export function readAuditCheckpointSettings(read: EnvReader): AuditCheckpointSettings {
  return {
    everyEvents: read.integer('AUDIT_CHECKPOINT_EVENTS', 1000, 10, 100_000),
    everySeconds: read.integer('AUDIT_CHECKPOINT_SECONDS', 60, 1, 3600),
  };
}

/**
 * `{"<clientId>": {"id": "app.example.com", "name": "Example", "origins": ["https://app.example.com"]}}`: each API
 * client's WebAuthn relying party. Unset: no client offers passkeys.
 */
function readPasskeyRelyingParties(read: EnvReader): Record<string, RelyingParty> {
  const raw = read.optional('PASSKEY_RELYING_PARTIES');
  if (raw === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    read.problem('PASSKEY_RELYING_PARTIES must be a JSON object of client ids to relying parties (not valid JSON)');
    return {};
  }
  const problems = relyingPartiesProblems(parsed);
  for (const problem of problems) read.problem(`PASSKEY_RELYING_PARTIES: ${problem}`);
  return problems.length === 0 ? (parsed as Record<string, RelyingParty>) : {};
}
