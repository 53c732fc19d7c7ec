/**
 * Timing samples taken the way an attacker takes them: one request per fresh
 * email (no email is asked twice, so no cache or lock tells them apart),
 * known and unknown requests interleaved one after the other (ABBA), and
 * compared with a rank test over every sample rather than a median of a few.
 * The rank test must find no difference: |z| under 3.89, the two-sided
 * p = 0.0001 line.
 */
import { performance } from 'node:perf_hooks';
import type { Test } from 'tap';
import { mannWhitney } from './rankTest.ts';
import { newUser, startTestServer, type TestServer } from './testServer.ts';

export const PAIRS = Number(process.env.TIMING_PAIRS ?? 150);
const Z_LIMIT = 3.89;

/** A server with the uniform answer time under test, shortened from its default so the suites stay quick. */
export function startTimingServer(): Promise<TestServer> {
  return startTestServer({
    UNIFORM_ANSWER_MS: process.env.TIMING_UNIFORM_ANSWER_MS ?? '50',
    // One code per phone per window: a second reset of one phone meets a spent budget.
    SMS_BUDGET_PER_WINDOW: '1',
    SMS_BUDGET_PER_DAY: '100',
    DECOY_PHONE_COUNTRIES: 'FR',
  });
}

// Response bodies are read loosely, the way the other end-to-end suites read them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Answer = { status: number; body: any };
type Request = () => Promise<Answer>;

async function timed(call: Request): Promise<{ answer: Answer; ms: number }> {
  const started = performance.now();
  const answer = await call();
  return { answer, ms: performance.now() - started };
}

export interface Samples {
  known: number[];
  unknown: number[];
  answers: Answer[];
}

/** Runs `setup` for every pair (ten at a time: it is not measured), then each pair's two requests, alternating which goes first. */
export async function interleaved<S>(
  setup: (index: number) => Promise<S>,
  known: (state: S) => Request,
  unknown: (state: S) => Request,
): Promise<Samples> {
  const states: S[] = [];
  for (let index = 0; index < PAIRS; index += 10) {
    states.push(
      ...(await Promise.all(Array.from({ length: Math.min(10, PAIRS - index) }, (_, offset) => setup(index + offset)))),
    );
  }
  // What the setup left behind (projections, SMS) settles before the first measure.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const samples: Samples = { known: [], unknown: [], answers: [] };
  for (const [index, state] of states.entries()) {
    const order = index % 2 === 0 ? (['known', 'unknown'] as const) : (['unknown', 'known'] as const);
    for (const which of order) {
      const { answer, ms } = await timed(which === 'known' ? known(state) : unknown(state));
      samples[which].push(ms);
      samples.answers.push(answer);
    }
  }
  return samples;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Asserts the rank test finds no difference, and says what it measured. */
export function noDifference(t: Test, what: string, samples: { known: number[]; unknown: number[] }) {
  const { z, probabilityAHigher } = mannWhitney(samples.known, samples.unknown);
  t.comment(
    `${what}: medians known ${median(samples.known).toFixed(2)} ms, unknown ${median(samples.unknown).toFixed(2)} ms; ` +
      `rank test z = ${z.toFixed(2)}; a known request is the slower of a random pair ${(probabilityAHigher * 100).toFixed(0)} % of the time (${samples.known.length} pairs)`,
  );
  t.ok(
    Math.abs(z) < Z_LIMIT,
    `${what}: no difference in time between known and unknown emails (|z| = ${Math.abs(z).toFixed(2)} < ${Z_LIMIT})`,
  );
}

export const shapeOf = (body: Record<string, unknown>) => ({
  keys: Object.keys(body).sort(),
  dataKeys: body.data && typeof body.data === 'object' ? Object.keys(body.data).sort() : null,
});

/** A user signed up through `server`, ready to be measured. */
export async function signedUp(server: TestServer) {
  const user = newUser();
  const answer = await server.call('POST', '/v1/user/sign-up', { body: user });
  if (answer.status !== 200) throw new Error(`sign-up answered ${answer.status}`);
  return user;
}

/** An email nobody has signed up, never used before. */
export const unknownEmail = (index: number) =>
  `nobody.${index}.${process.pid}.${Math.random().toString(36).slice(2)}@example.com`;
