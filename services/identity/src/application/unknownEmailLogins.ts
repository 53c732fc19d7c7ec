/**
 * Wrong-password counts for emails that hold no account, so that an unknown
 * email locks after the same failures, for the same delays, with the same
 * answers as a real account: the lock must not tell who has signed up.
 *
 * An account's count is in its stream; an unknown email has no stream, and
 * giving every guessed email one would let anyone fill the log. The counts are
 * kept in memory instead, bounded: commands are keyed by email, so one
 * identity instance sees all the logins of an email. What this gives up is
 * written in docs/security.md (a restart or a rebalance forgets them).
 */
import { afterWrongPassword, loginLockSecondsLeft, noLoginFailures, type LoginFailures, type LoginLockPolicy } from '../domain/loginLock.ts';

export interface UnknownEmailLogins {
  /**
   * Records a refused login of an email (by its keyed hash), counted exactly
   * as an account's would be. Returns the whole seconds the email is still
   * locked for, in which case nothing was counted; 0 when the failure counted.
   */
  refuse(emailKey: string, policy: LoginLockPolicy, now: string): number;
}

/** Enough for a credential-stuffing burst; past it the emails that failed least recently are forgotten first. */
const DEFAULT_MAX_EMAILS = 100_000;

export function createUnknownEmailLogins(maxEmails = DEFAULT_MAX_EMAILS): UnknownEmailLogins {
  // A Map iterates in insertion order: re-inserting on each failure keeps the least recent first.
  const failures = new Map<string, LoginFailures>();
  return {
    refuse(emailKey, policy, now) {
      const current = failures.get(emailKey) ?? noLoginFailures;
      const waitSeconds = loginLockSecondsLeft(current, now);
      if (waitSeconds > 0) return waitSeconds;
      failures.delete(emailKey);
      failures.set(emailKey, afterWrongPassword(current, policy, now));
      if (failures.size > maxEmails) failures.delete(failures.keys().next().value!);
      return 0;
    },
  };
}
