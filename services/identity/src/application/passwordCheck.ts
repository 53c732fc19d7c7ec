/**
 * The password check every command that asks for the password makes (login,
 * step-up, a phone number change, new recovery codes): one argon2id hash
 * whatever happens, so a locked login, a missing user and a real check take
 * the same time; while login is locked the real hash is not checked at all.
 */
import { loginLockSecondsLeft } from '../domain/loginLock.ts';
import { loginFailuresOf, type UserState } from '../domain/userState.ts';
import type { CommandContext } from './commandContext.ts';

export async function passwordMatches(
  { passwordHasher }: CommandContext,
  state: UserState,
  isRealUser: boolean,
  password: string,
  attemptedAt: string,
): Promise<boolean> {
  const checkRealHash = isRealUser && loginLockSecondsLeft(loginFailuresOf(state), attemptedAt) === 0;
  if (checkRealHash) return passwordHasher.verify(state.passwordHash, password);
  await passwordHasher.verifyDummy(password);
  return false;
}
