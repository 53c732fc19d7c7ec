/** The recovery-codes part of a user's state: the keyed hashes of the codes still unused. Pure. */
import type { IdentityEvent } from '@tessera/contracts';
import type { UserState } from './userState.ts';

export function evolveRecoveryCodes(state: UserState, event: IdentityEvent): UserState {
  switch (event.type) {
    case 'RecoveryCodesGenerated': {
      // A new set replaces the old one whole: its codes stop working.
      const replaced = { ...state, recoveryCodeHashes: [...event.data.codeHashes] };
      // The right password clears the count of wrong ones, as a login's does.
      if (event.data.authorisedBy !== 'PASSWORD') return replaced;
      const { loginLockedUntil: _cleared, ...rest } = replaced;
      return { ...rest, consecutiveLoginFailures: 0 };
    }
    case 'RecoveryCodeUsed':
      return { ...state, recoveryCodeHashes: state.recoveryCodeHashes.filter((hash) => hash !== event.data.codeHash) };
    default:
      return state;
  }
}

/** Whether a presented code's keyed hash is one of the unused codes (keyed hashes: plain equality is safe). */
export function isUnusedRecoveryCode(state: UserState, presentedHash: string): boolean {
  return presentedHash !== '' && state.recoveryCodeHashes.includes(presentedHash);
}
