/**
 * Wrong passwords in a row lock login for a while, longer each time: from the
 * `threshold`-th failure on, each failure locks login for `baseSeconds` ×
 * 2^(failures − threshold), at most `maxSeconds` (1 min, 2, 4, … 1 h by
 * default). While locked, no password is checked at all, not even the right
 * one. Pure: the clock arrives with each call.
 */

export interface LoginLockPolicy {
  /** Consecutive wrong passwords that start locking. */
  threshold: number;
  /** The first lock; each further failure doubles it. */
  baseSeconds: number;
  /** The longest lock. */
  maxSeconds: number;
}

/** What counts towards a lock: an account's stream keeps it, or identity's memory for an email with no account. */
export interface LoginFailures {
  consecutiveFailures: number;
  /** Set by the failure that reached the threshold, and by every one after it. */
  lockedUntil?: string;
}

export const noLoginFailures: LoginFailures = { consecutiveFailures: 0 };

/** Whole seconds until login opens again; 0 when it is open. */
export function loginLockSecondsLeft(failures: LoginFailures, now: string): number {
  if (failures.lockedUntil === undefined) return 0;
  return Math.max(0, Math.ceil((Date.parse(failures.lockedUntil) - Date.parse(now)) / 1000));
}

/** The count after one more wrong password, with the lock it brings once the threshold is reached. */
export function afterWrongPassword(failures: LoginFailures, policy: LoginLockPolicy, now: string): LoginFailures {
  const consecutiveFailures = failures.consecutiveFailures + 1;
  if (consecutiveFailures < policy.threshold) return { consecutiveFailures };
  // Past about 60 doublings 2^n stops being exact and later Infinity: the cap holds either way.
  const seconds = Math.min(policy.maxSeconds, policy.baseSeconds * 2 ** (consecutiveFailures - policy.threshold));
  return { consecutiveFailures, lockedUntil: new Date(Date.parse(now) + seconds * 1000).toISOString() };
}
