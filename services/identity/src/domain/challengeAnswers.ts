/**
 * How a challenge is answered: the SMS code, a recovery code (login, reset) or a
 * passkey (login, step-up); whether the answer is right; what using it records. Pure.
 */
import type { IdentityEvent, OtpPurposeName } from '@tessera/contracts';
import type { CredentialCommand } from './credentialsDecider.ts';
import type { OtpChallenge } from './credentialsState.ts';
import { passkeyAssertionRight, type PasskeyAssertion } from './passkeysState.ts';
import { isUnusedRecoveryCode } from './recoveryCodesState.ts';
import type { UserState } from './userState.ts';

type Command<K extends CredentialCommand['type']> = Extract<CredentialCommand, { type: K }>;

/** The challenges a recovery code or a passkey may answer instead of the SMS code. */
const ANSWERABLE_PURPOSES: Record<'RECOVERY_CODE' | 'PASSKEY', readonly OtpPurposeName[]> = {
  RECOVERY_CODE: ['LOGIN', 'PASSWORD_RESET'],
  PASSKEY: ['LOGIN', 'STEP_UP'],
};

/**
 * A recovery code only for a login or a reset (a step-up proves possession, which a printed code cannot); a passkey
 * for a login or a step-up (possession and user verification), not for a new number (which needs its own SMS).
 */
export function answersPurpose(challengeType: Command<'VerifyOtp'>['challengeType'], purpose: OtpPurposeName) {
  return (
    challengeType === undefined || challengeType === 'SMS_OTP' || ANSWERABLE_PURPOSES[challengeType].includes(purpose)
  );
}

/**
 * Keyed hashes: comparing them leaks nothing an attacker can steer, so plain equality is safe. A held-back
 * SMS code has no hash at all, and nothing presented may match it; a recovery code must be one still unused.
 */
export function presentedCodeRight(command: Command<'VerifyOtp'>, challenge: OtpChallenge, state: UserState): boolean {
  if (command.challengeType === 'RECOVERY_CODE') return isUnusedRecoveryCode(state, command.presentedCodeHash);
  if (command.challengeType === 'PASSKEY') return passkeyAssertionRight(state, command.passkey, command.clientId);
  return challenge.codeHash !== '' && command.presentedCodeHash === challenge.codeHash;
}

/** A recovery code or a passkey proves nothing about the phone: only an SMS code verifies it. */
export function answerUsed(command: Command<'VerifyOtp'>, state: UserState): IdentityEvent[] {
  if (command.challengeType === 'RECOVERY_CODE') return [recoveryCodeUsed(command, state)];
  if (command.challengeType === 'PASSKEY') return command.passkey ? [passkeyUsed(command.passkey, command, state)] : [];
  return state.phoneVerified ? [] : [{ type: 'PhoneNumberVerified', data: { userId: state.userId } }];
}

function recoveryCodeUsed(command: Command<'VerifyOtp'>, state: UserState): IdentityEvent {
  const { sessionId, presentedCodeHash: codeHash, recoveryCodeUsedNotice: sealedNotice } = command;
  const codesLeft = state.recoveryCodeHashes.filter((hash) => hash !== codeHash).length;
  const notice = sealedNotice ? { sealedNotice } : {};
  return { type: 'RecoveryCodeUsed', data: { userId: state.userId, sessionId, codeHash, codesLeft, ...notice } };
}

function passkeyUsed(
  { credentialId, counter }: PasskeyAssertion,
  { sessionId }: Command<'VerifyOtp'>,
  state: UserState,
) {
  return { type: 'PasskeyUsed' as const, data: { userId: state.userId, sessionId, credentialId, counter } };
}
