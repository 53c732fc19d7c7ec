import {
  maskPhoneNumber,
  normaliseAmount,
  stepUpDestinationHint,
  type SealedNewSignInNotice,
  type SealedOtpDelivery,
  type SealedPasswordChangedNotice,
  type SealedPhoneNumberChangedNotice,
  type SealedStepUpDetails,
  type StepUpTransaction,
} from '@tessera/contracts';
import { generateOtpCode, keyedHash, sealJson } from '@tessera/crypto';
import type { IssuedOtp } from '../domain/oneTimeCodes.ts';
import type { IdentityConfig, IdentityKeys } from './identityConfig.ts';

export function sealPasswordChangedNotice(keys: IdentityKeys, phoneNumber: string, locale: string | undefined): string {
  const notice: SealedPasswordChangedNotice = locale ? { to: phoneNumber, locale } : { to: phoneNumber };
  return sealJson(keys.notifierPublicKey, notice);
}

/** The notice to the number given up: where the number moved, shown by its last four digits. */
export function sealPhoneNumberChangedNotice(
  keys: IdentityKeys,
  oldPhoneNumber: string,
  newPhoneNumber: string,
  locale: string | undefined,
): string {
  const notice: SealedPhoneNumberChangedNotice = {
    to: oldPhoneNumber,
    ...(locale ? { locale } : {}),
    newNumberHint: stepUpDestinationHint(newPhoneNumber),
  };
  return sealJson(keys.notifierPublicKey, notice);
}

/** The "new sign-in" SMS: where to, in which language, and the platform the login declared. */
export function sealNewSignInNotice(
  keys: IdentityKeys,
  phoneNumber: string,
  locale: string | undefined,
  platform: string | undefined,
): string {
  const notice: SealedNewSignInNotice = {
    to: phoneNumber,
    ...(locale ? { locale } : {}),
    ...(platform ? { platform } : {}),
  };
  return sealJson(keys.notifierPublicKey, notice);
}

export function otpCodeHash(keys: IdentityKeys, sessionId: string, code: string): string {
  return keyedHash(keys.hashingKey, 'otp', sessionId, code);
}

/**
 * Draws a code, keeps only its keyed hash, and seals the code and destination
 * for the notifier, with what a step-up's code confirms.
 */
export function issueOtp(
  keys: IdentityKeys,
  config: IdentityConfig,
  sessionId: string,
  phoneNumber: string,
  now: Date,
  locale?: string,
  stepUp?: SealedStepUpDetails,
): IssuedOtp {
  const code = generateOtpCode(config.otpLength);
  const delivery: SealedOtpDelivery = {
    code,
    to: phoneNumber,
    ...(locale ? { locale } : {}),
    ...(stepUp ? { stepUp } : {}),
  };
  return {
    codeHash: otpCodeHash(keys, sessionId, code),
    sealedDelivery: sealJson(keys.notifierPublicKey, delivery),
    destinationHint: maskPhoneNumber(phoneNumber),
    expiresAt: new Date(now.getTime() + config.otpTtlSeconds * 1000).toISOString(),
    maxAttempts: config.otpMaxAttempts,
  };
}

/** What a step-up's SMS states: the action, the amount as hashed, the currency, the end of the destination. */
export function stepUpSmsDetails(action: string, transaction: StepUpTransaction | undefined): SealedStepUpDetails {
  const { amount, currency, destination } = transaction ?? {};
  return {
    action,
    ...(amount !== undefined ? { amount: normaliseAmount(amount) } : {}),
    ...(currency !== undefined ? { currency } : {}),
    ...(destination !== undefined ? { destinationHint: stepUpDestinationHint(destination) } : {}),
  };
}
