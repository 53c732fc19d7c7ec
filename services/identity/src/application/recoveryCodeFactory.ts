/**
 * Draws a set of recovery codes and keeps only their keyed hashes: 10 codes of
 * 10 characters from a 32-letter alphabet, each character uniform, so 50 bits
 * a code. The codes go back to the user once, in the sealed reply.
 */
import { randomInt } from 'node:crypto';
import {
  formatRecoveryCode,
  normaliseRecoveryCode,
  RECOVERY_CODE_ALPHABET,
  RECOVERY_CODE_COUNT,
  RECOVERY_CODE_LENGTH,
  type SealedRecoveryCodesNotice,
} from '@tessera/contracts';
import { keyedHash, sealJson } from '@tessera/crypto';
import type { IdentityKeys } from './identityConfig.ts';

/** Keyed with identity's hashing key and bound to the user: a hash from one user's set matches nothing in another's. */
export function recoveryCodeHash(keys: IdentityKeys, userId: string, code: string): string {
  return keyedHash(keys.hashingKey, 'recovery-code', userId, normaliseRecoveryCode(code));
}

export interface RecoveryCodeSet {
  /** As shown to the user, `xxxxx-xxxxx`. */
  codes: string[];
  codeHashes: string[];
}

export function drawRecoveryCodes(keys: IdentityKeys, userId: string): RecoveryCodeSet {
  const codes: string[] = [];
  while (codes.length < RECOVERY_CODE_COUNT) {
    let code = '';
    for (let index = 0; index < RECOVERY_CODE_LENGTH; index += 1)
      code += RECOVERY_CODE_ALPHABET[randomInt(RECOVERY_CODE_ALPHABET.length)];
    // Ten distinct codes: a repeat (one chance in 2^50 per pair) would be one code counted twice.
    if (!codes.includes(formatRecoveryCode(code))) codes.push(formatRecoveryCode(code));
  }
  return { codes, codeHashes: codes.map((code) => recoveryCodeHash(keys, userId, code)) };
}

/** The "recovery codes generated" or "recovery code used" SMS: where to, in which language. */
export function sealRecoveryCodesNotice(keys: IdentityKeys, phoneNumber: string, locale: string | undefined): string {
  const notice: SealedRecoveryCodesNotice = locale ? { to: phoneNumber, locale } : { to: phoneNumber };
  return sealJson(keys.notifierPublicKey, notice);
}
