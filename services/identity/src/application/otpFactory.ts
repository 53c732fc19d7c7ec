import { maskPhoneNumber } from '@tessera/contracts';
import { generateOtpCode, keyedHash, sealJson } from '@tessera/crypto';
import type { IssuedOtp } from '../domain/userDecider.ts';
import type { IdentityConfig, IdentityKeys } from './identityConfig.ts';

/** What the notifier finds inside `sealedDelivery`. */
export interface SealedOtpDelivery {
  code: string;
  to: string;
}

export function otpCodeHash(keys: IdentityKeys, sessionId: string, code: string): string {
  return keyedHash(keys.hashingKey, 'otp', sessionId, code);
}

/** Draws a code, keeps only its keyed hash, and seals the code and destination for the notifier. */
export function issueOtp(keys: IdentityKeys, config: IdentityConfig, sessionId: string, phoneNumber: string, now: Date): IssuedOtp {
  const code = generateOtpCode(config.otpLength);
  const delivery: SealedOtpDelivery = { code, to: phoneNumber };
  return {
    codeHash: otpCodeHash(keys, sessionId, code),
    sealedDelivery: sealJson(keys.notifierPublicKey, delivery),
    destinationHint: maskPhoneNumber(phoneNumber),
    expiresAt: new Date(now.getTime() + config.otpTtlSeconds * 1000).toISOString(),
    maxAttempts: config.otpMaxAttempts,
  };
}
