/**
 * Who answers for an email that has no user of the calling client: a phantom
 * user, decided by the very rules of a real one, whose events are kept in
 * memory and never written. So an unknown email (or another client's user)
 * locks after the same wrong passwords, gets a reset session that takes a
 * staged password, counts wrong codes and closes after the same number of
 * them, throttles resends and spends an SMS budget, with the same answers as
 * a real user, without anyone being able to fill the log by guessing emails.
 *
 * Bounded: past `maxPhantoms` the least recently used are forgotten, and a
 * forgotten phantom starts afresh (docs/security.md says what that gives up).
 * Commands are keyed by email, so one identity instance sees every command of
 * one email while the partitions stay where they are.
 */
import { LRUCache } from 'lru-cache';
import type { IdentityEvent } from '@tessera/contracts';
import type { Decision } from '../domain/decision.ts';
import type { UserState } from '../domain/userState.ts';
import type { CommandOutcome } from './decideAndAppend.ts';

export interface PhantomUsers {
  /**
   * Decides a command on the phantom of `key` (made by `create` on first use)
   * and keeps what the decision's events make of it. Two commands on one
   * phantom at once are decided one after the other's outcome, as optimistic
   * concurrency does for a real stream. Answers as a real stream's decision
   * does, with no position: nothing was written.
   */
  decide(
    key: string,
    create: () => UserState,
    decide: (state: UserState) => Decision | Promise<Decision>,
  ): Promise<CommandOutcome<UserState>>;
  readonly size: number;
}

export function createPhantomUsers(
  maxPhantoms: number,
  evolve: (state: UserState, event: IdentityEvent) => UserState,
): PhantomUsers {
  const phantoms = new LRUCache<string, UserState>({ max: Math.max(1, maxPhantoms) });
  return {
    async decide(key, create, decide) {
      for (;;) {
        const before = phantoms.get(key) ?? create();
        const decision = await decide(before);
        const current = phantoms.get(key);
        // Another command moved this phantom while this one decided: decide again on what it made.
        if (current !== undefined && current !== before) continue;
        const state = decision.events.reduce(evolve, before);
        phantoms.set(key, state);
        return { decision, state };
      }
    },
    get size() {
      return phantoms.size;
    },
  };
}
