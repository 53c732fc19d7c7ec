/** What a reader needs to read the HTTP figures right: raised limits, the second server, bounds. */
import type { ProductionFigures, RunSettings } from './httpProduction.ts';
import type { SessionFigures } from './httpSessions.ts';
import { loginShare, type BenchResults } from './report.ts';
import { raisedLimits } from './server.ts';
import { LOGINS_PER_USER } from './sessionPreparation.ts';

/** The argon2id parameters of the production server. */
export const production = { memoryKib: 19456, iterations: 2 };

/** The three step-up calls' medians, added up. */
function stepUpRoundTrip(results: BenchResults): string {
  const calls = ['step-up', 'step-up OTP', 'step-up consume'].map((name) =>
    results.http.find((figures) => figures.name === name),
  );
  if (calls.some((figures) => figures === undefined)) return 'not measured';
  return `${calls.reduce((sum, figures) => sum + figures!.p50Ms, 0)} ms`;
}

export function httpNotes(
  results: BenchResults,
  settings: RunSettings & { profileDir: string | undefined },
  main: ProductionFigures,
  sessions: SessionFigures,
): string[] {
  const limits = Object.entries(raisedLimits)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
  const notes = [
    `Limits raised on both servers so one load generator (one IP; sign-up and login with a new phone per user) is measured, not throttled: ${limits}. ` +
      'The per-IP and per-identifier limits would answer 429 after a few hundred requests from 127.0.0.1; SMS budgets are at their allowed maximum (100) so a user logged in several times still gets each code; ' +
      'the login lock and resend cooldown play no part in these flows but are raised so they cannot. Everything else is the default; the server runs with LOG_LEVEL=warn and the default UV_THREADPOOL_SIZE (4).',
    `Client token, sign-up and login run against a server at production hashing (ARGON2_MEMORY_KIB=${production.memoryKib}, ARGON2_ITERATIONS=${production.iterations}); its memory is the RSS above. ` +
      `Login: ${settings.loginConnections} connections (twice libuv's pool, as in the ceiling's measurement: it is bound by argon2id), ${main.logins} logins over ${main.signedUp} users made by the sign-up run, each answered with a new session and an SMS code.`,
    `OTP verify, refresh and me run against a second server with cheaper hashing (ARGON2_MEMORY_KIB=8192, ARGON2_ITERATIONS=1, OTP_TTL_SECONDS=3600), which none of the three paths uses: ` +
      `it only makes preparing ${sessions.sessionsNeeded} real login sessions affordable (${sessions.users} users, ${LOGINS_PER_USER} logins each, ${sessions.preparedSeconds.toFixed(0)} s). ` +
      `Every OTP request verifies a different real session with the code read from the dev SMS outbox; the measured run is bounded by the ${sessions.otpSessions} sessions (after ${sessions.warmupSessions} for warm-up), not by time. ` +
      `Refresh: ${sessions.families} token families, each refreshed by one request at a time, its token replaced from each answer. Me: GET /v1/user/me with their access tokens. That server's peak RSS: ${(sessions.peakBytes / 1e6).toFixed(1)} MB.`,
    `Step-up, on the same server after me: ${sessions.stepUps} withdrawals asked by the live families (each family one at a time, its password checked with that server's cheap hash, which bounds the call as argon2id bounds login), ` +
      'then each answered with the code read from the outbox (step-up OTP: a step-up token signed), then each token consumed once by the client (step-up consume); no warm-up, each run bounded by the state the previous one made. ' +
      `The round trip a user and a payment service make is the three calls in turn: ${stepUpRoundTrip(results)} at the median, plus the time the user takes to read the SMS.`,
    `Each measurement follows a ${settings.warmupSeconds} s warm-up with the same requests (OTP: ${sessions.warmupSessions} sessions). Latency is autocannon's, over every answer; errors are non-2xx answers and socket errors or timeouts.`,
  ];
  const ceiling = results.hashCeiling;
  const share = loginShare(results);
  if (ceiling && share !== undefined) {
    notes.push(
      `Login ceiling: one login verifies one password, so ${ceiling.hashesPerSecond.toFixed(1)} hashes/s (measured in the harness before any server started) bounds it; login reached ${(share * 100).toFixed(1)} %.`,
    );
  }
  if (settings.profileDir)
    notes.push(
      `CPU profiles of both servers were written to ${settings.profileDir} during this run (profiling slows them).`,
    );
  return notes;
}
