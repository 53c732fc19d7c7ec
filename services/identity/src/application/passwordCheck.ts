/**
 * The password check every command that asks for the password makes (login,
 * step-up, a phone number change, new recovery codes): one argon2id hash
 * whatever happens, so a locked login, a missing user and a real check take
 * the same time; while login is locked the real hash is not checked at all.
 */
import { loginLockSecondsLeft } from '../domain/loginLock.ts';
import type { Reauthentication } from '../domain/reauthentication.ts';
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

/**
 * What an action that asks the user again presents to its decider: the step-up token's ids as the gateway verified
 * them, or the password checked as login checks it.
 */
export async function reauthenticationOf(
  context: CommandContext,
  state: UserState,
  isRealUser: boolean,
  proof: { password?: string; stepUp?: { stepUpId: string; tokenId: string } },
  now: string,
): Promise<Reauthentication> {
  if (proof.stepUp) return { kind: 'STEP_UP', ...proof.stepUp };
  const matches = await passwordMatches(context, state, isRealUser, proof.password ?? '', now);
  return { kind: 'PASSWORD', passwordMatches: matches, loginLock: context.config.loginLock };
}
