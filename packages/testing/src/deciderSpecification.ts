/**
 * Given / when / then for deciders:
 *   spec.given(events).when(command).then(expectedEvents)
 *   spec.given(events).when(command).thenRejects('OTP_INVALID', recordedEvents?)
 */
import type { Test } from 'tap';

export interface DeciderUnderTest<C, S, E, D extends { events: E[]; rejection?: { error: string } }> {
  decide(command: C, state: S): D;
  evolve(state: S, event: E): S;
  initialState(): S;
}

export function deciderSpecification<C, S, E, D extends { events: E[]; rejection?: { error: string } }>(
  t: Test,
  decider: DeciderUnderTest<C, S, E, D>,
) {
  return {
    given(history: E[]) {
      return {
        when(command: C) {
          const state = history.reduce(decider.evolve, decider.initialState());
          const decision = decider.decide(command, state);
          return {
            decision,
            then(expected: E[], message = 'records the expected events') {
              t.same(decision.rejection, undefined, 'is accepted');
              t.same(decision.events, expected, message);
            },
            thenRejects(error: string, recorded: E[] = [], message = `is refused with ${error}`) {
              t.equal(decision.rejection?.error, error, message);
              t.same(decision.events, recorded, recorded.length ? 'records the attempt' : 'records nothing');
            },
          };
        },
      };
    },
  };
}
