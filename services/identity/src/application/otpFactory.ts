import { maskPhoneNumber, type SealedOtpDelivery, type SealedPasswordChangedNotice } from '@tessera/contracts';
import { generateOtpCode, keyedHash, sealJson } from '@tessera/crypto';
import type { IssuedOtp } from '../domain/oneTimeCodes.ts';
import type { IdentityConfig, IdentityKeys } from './identityConfig.ts';

export function sealPasswordChangedNotice(keys: IdentityKeys, phoneNumber: string, locale: string | undefined): string {
  const notice: SealedPasswordChangedNotice = locale ? { to: phoneNumber, locale } : { to: phoneNumber };
  return sealJson(keys.notifierPublicKey, notice);
}

export function otpCodeHash(keys: IdentityKeys, sessionId: string, code: string): string {
  return keyedHash(keys.hashingKey, 'otp', sessionId, code);
}

/** Draws a code, keeps only its keyed hash, and seals the code and destination for the notifier. */
export function issueOtp(
  keys: IdentityKeys,
  config: IdentityConfig,
  sessionId: string,
  phoneNumber: string,
  now: Date,
  locale?: string,
): IssuedOtp {
  const code = generateOtpCode(config.otpLength);
  const delivery: SealedOtpDelivery = locale ? { code, to: phoneNumber, locale } : { code, to: phoneNumber };
  return {
    codeHash: otpCodeHash(keys, sessionId, code),
    sealedDelivery: sealJson(keys.notifierPublicKey, delivery),
    destinationHint: maskPhoneNumber(phoneNumber),
    expiresAt: new Date(now.getTime() + config.otpTtlSeconds * 1000).toISOString(),
    maxAttempts: config.otpMaxAttempts,
  };
}
