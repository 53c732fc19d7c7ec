import type { ErrorName, IdentityEvent } from '@tessera/contracts';

/**
 * What a decider concludes: the events to append and, when the command is
 * refused, why. A refusal may still record facts (a wrong code is counted).
 */
export interface Decision {
  events: IdentityEvent[];
  rejection?: { error: ErrorName; retryAfterSeconds?: number };
}

export const accept = (...events: IdentityEvent[]): Decision => ({ events });

export const reject = (error: ErrorName, events: IdentityEvent[] = [], retryAfterSeconds?: number): Decision => ({
  events,
  rejection: retryAfterSeconds === undefined ? { error } : { error, retryAfterSeconds },
});
