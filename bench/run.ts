/**
 * `npm run bench`: the HTTP figures of the embedded default, measured with
 * autocannon against the real server started as a child process, and written
 * into docs/benchmarks.md between the `bench:http` markers.
 *
 * Flags: --quick (short run), --duration S, --warmup S, --connections N,
 * --login-connections N, --otp-sessions N, --hash-seconds S, --cpu-prof DIR
 * (CPU profiles of the server children), --no-write (print only).
 */
import { cpus, platform, release, totalmem } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type autocannon from 'autocannon';
import { measureHashCeiling } from './hashCeiling.ts';
import { describe, measure } from './load.ts';
import { measurePipeline, renderPipelineSection } from './pipeline.ts';
import { renderHttpSection, results, targets, writeSections, loginShare } from './report.ts';
import { basicAuth, call, clientToken, raisedLimits, startBenchServer, type BenchServer } from './server.ts';
import { repositoryRoot } from '../test/support/processes.ts';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    'login-connections': { type: 'string' },
    'otp-sessions': { type: 'string' },
    'hash-seconds': { type: 'string' },
    'cpu-prof': { type: 'string' },
    'no-write': { type: 'boolean', default: false },
    'no-pipeline': { type: 'boolean', default: false },
    'no-kafka': { type: 'boolean', default: false },
  },
});
const quick = flags.quick ?? false;
const cores = cpus().length;
const durationSeconds = Number(flags.duration ?? (quick ? 3 : 10));
const warmupSeconds = Number(flags.warmup ?? (quick ? 1 : 3));
const connections = Number(flags.connections ?? 32);
// Login is bound by argon2id on the thread pool: more connections than that only queue.
// As many logins in flight as hashes in the ceiling's measurement (twice libuv's pool), so both keep the pool full.
const loginConnections = Number(flags['login-connections'] ?? 2 * (Number(process.env.UV_THREADPOOL_SIZE) || 4));
const otpSessions = Number(flags['otp-sessions'] ?? (quick ? 1500 : 8000));
const hashSeconds = Number(flags['hash-seconds'] ?? (quick ? 2 : 5));
const profileDir = flags['cpu-prof'] ? path.resolve(flags['cpu-prof']) : undefined;
const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
const production = { memoryKib: 19456, iterations: 2 };

results.command = ['npm run bench', ...(process.argv.slice(2).length ? ['--', ...process.argv.slice(2)] : [])].join(
  ' ',
);
results.machine = {
  cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
  cpus: cores,
  memoryGiB: totalmem() / 1024 ** 3,
  node: process.version,
  platform: `${platform()} ${release()}`,
};
results.targets = targets.http;
const log = (line: string) => process.stdout.write(`${line}\n`);
const json = { 'content-type': 'application/json' };

// 1. The hash ceiling, alone on the machine before any server starts.
log(`argon2id ceiling at m=${production.memoryKib} KiB t=${production.iterations} for ${hashSeconds} s…`);
results.hashCeiling = await measureHashCeiling(
  { memoryBytes: production.memoryKib * 1024, iterations: production.iterations },
  hashSeconds,
);
log(
  `  ${results.hashCeiling.hashesPerSecond.toFixed(1)} hashes/s (${results.hashCeiling.inFlight} in flight, pool ${results.hashCeiling.threadPoolSize}, ${cores} cores)`,
);

interface User {
  email: string;
  phoneNumber: string;
  password: string;
}
let userCounter = 0;
const nextUser = (): User => {
  userCounter += 1;
  const suffix = String(10_000_000 + userCounter).slice(-8);
  return {
    email: `bench${suffix}.${userCounter}@example.com`,
    phoneNumber: `+3361${suffix.slice(-7)}`,
    password: `a long passphrase ${suffix}`,
  };
};

/** Runs `task` over `items` with at most `limit` at once. */
async function pool<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        out[index] = await task(items[index]!);
      }
    }),
  );
  return out;
}

const servers: BenchServer[] = [];
try {
  // 2. The production-parameter server: client token, sign-up, login, memory.
  const main = await startBenchServer({ label: 'main', nodeArgs });
  servers.push(main);
  log(`server (production hashing) at ${main.url}, pid ${main.pid}`);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const idleBytes = main.rss();
  const stopSampling = main.sampleRss();
  const common = { url: main.url, connections, warmupSeconds, durationSeconds };

  results.http.push(
    await measure({
      ...common,
      name: 'client token',
      request: {
        method: 'POST',
        path: '/oauth/token',
        headers: { authorization: basicAuth(), 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      },
    }),
  );

  const bearer = await clientToken(main.url);
  const auth = { authorization: `Bearer ${bearer}` };
  const signedUp: User[] = [];
  results.http.push(
    await measure({
      ...common,
      name: 'sign-up',
      request: {
        method: 'POST',
        path: '/v1/user/sign-up',
        headers: { ...auth, ...json },
        setupRequest: (request, context) => {
          const user = nextUser();
          (context as { user?: User }).user = user;
          return { ...request, body: JSON.stringify(user) };
        },
        onResponse: (status, _body, context) => {
          const user = (context as { user?: User }).user;
          if (status === 200 && user) signedUp.push(user);
        },
      },
    }),
  );
  if (signedUp.length === 0) throw new Error('no sign-up succeeded');

  // Each login a different user while they last (the SMS budget counts per phone); users created by the sign-up run.
  let loginIndex = 0;
  results.http.push(
    await measure({
      ...common,
      name: 'login',
      connections: loginConnections,
      request: {
        method: 'POST',
        path: '/v1/user/login',
        headers: { ...auth, ...json },
        setupRequest: (request) => {
          const user = signedUp[loginIndex++ % signedUp.length]!;
          return { ...request, body: JSON.stringify({ username: user.email, password: user.password }) };
        },
      },
    }),
  );
  const logins = loginIndex;
  results.memory = { idleBytes, peakBytes: stopSampling(), afterBytes: main.rss() };
  log(
    `RSS idle ${(idleBytes / 1e6).toFixed(1)} MB, peak ${(results.memory.peakBytes / 1e6).toFixed(1)} MB, after ${(results.memory.afterBytes / 1e6).toFixed(1)} MB`,
  );
  await main.stop();
  servers.pop();

  // 3. A second server with cheaper hashing for the paths that hash nothing (OTP verify, refresh, me): it only makes
  // preparing tens of thousands of real login sessions affordable.
  const cheap = await startBenchServer({
    label: 'sessions',
    nodeArgs,
    env: { ARGON2_MEMORY_KIB: '8192', ARGON2_ITERATIONS: '1', OTP_TTL_SECONDS: '3600' },
  });
  servers.push(cheap);
  const cheapBearer = await clientToken(cheap.url);
  const cheapAuth = { authorization: `Bearer ${cheapBearer}` };
  const families = 4 * connections;
  const warmupSessions = Math.min(Math.round(otpSessions / 10), 1000);
  const reserve = 2 * connections;
  const sessionsNeeded = otpSessions + warmupSessions + families + reserve;
  const loginsPerUser = 4;
  const users = Array.from({ length: Math.ceil(sessionsNeeded / loginsPerUser) }, nextUser);
  const preparing = performance.now();
  log(`preparing ${sessionsNeeded} login sessions (${users.length} users × ${loginsPerUser} logins) on ${cheap.url}…`);
  await pool(users, 16, async (user) => {
    const response = await call(cheap.url, '/v1/user/sign-up', cheapBearer, user);
    if (response.status !== 200)
      throw new Error(`sign-up answered ${response.status}: ${JSON.stringify(response.body)}`);
  });
  // Logins of one user in order, so the n-th code to a phone is its n-th session's.
  const sessionIds = await pool(users, 16, async (user) => {
    const ids: string[] = [];
    for (let index = 0; index < loginsPerUser; index += 1) {
      const response = await call(cheap.url, '/v1/user/login', cheapBearer, {
        username: user.email,
        password: user.password,
      });
      if (response.status !== 200)
        throw new Error(`login answered ${response.status}: ${JSON.stringify(response.body)}`);
      ids.push(response.body.data.sessionId as string);
    }
    return ids;
  });
  const expectedCodes = users.length * loginsPerUser;
  const deadline = Date.now() + 60_000;
  let outbox = cheap.outbox();
  while (outbox.length < expectedCodes && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    outbox = cheap.outbox();
  }
  const codesByPhone = new Map<string, string[]>();
  for (const sms of outbox) {
    const code = /^(\d+)/.exec(sms.text)?.[1];
    if (code) codesByPhone.set(sms.to, [...(codesByPhone.get(sms.to) ?? []), code]);
  }
  interface Session {
    username: string;
    sessionId: string;
    code: string;
  }
  const sessions: Session[] = [];
  // Round by round, so requests side by side are for different users, as in real traffic: one person
  // answers one code at a time, and a user's commands are (rightly) handled one after another.
  for (let index = 0; index < loginsPerUser; index += 1) {
    users.forEach((user, userIndex) => {
      const code = (codesByPhone.get(user.phoneNumber) ?? [])[index];
      const sessionId = sessionIds[userIndex]![index];
      if (code && sessionId) sessions.push({ username: user.email, sessionId, code });
    });
  }
  const preparedSeconds = (performance.now() - preparing) / 1000;
  log(`  ${sessions.length} sessions with their codes in ${preparedSeconds.toFixed(1)} s`);
  if (sessions.length < sessionsNeeded)
    throw new Error(`only ${sessions.length} of ${sessionsNeeded} codes reached the outbox`);

  // Token families for refresh and me: sessions verified one by one.
  interface Family {
    username: string;
    accessToken: string;
    refreshToken: string;
  }
  const familyList = await pool(sessions.splice(0, families), 8, async (session): Promise<Family> => {
    const response = await call(cheap.url, '/v1/user/otp', cheapBearer, {
      sessionId: session.sessionId,
      username: session.username,
      challengeType: 'SMS_OTP',
      code: session.code,
    });
    if (response.status !== 200) throw new Error(`otp answered ${response.status}: ${JSON.stringify(response.body)}`);
    return {
      username: session.username,
      accessToken: response.body.data.accessToken,
      refreshToken: response.body.data.refreshToken,
    };
  });

  const cheapStopSampling = cheap.sampleRss();
  const cheapCommon = { url: cheap.url, connections, warmupSeconds, durationSeconds };
  // OTP verify: every request a real session with its real code, never one twice; bounded by the sessions prepared.
  let reused = 0;
  let lastSession: Session | undefined;
  const otpRequest: autocannon.Request = {
    method: 'POST',
    path: '/v1/user/otp',
    headers: { ...cheapAuth, ...json },
    setupRequest: (request) => {
      const session = sessions.shift() ?? ((reused += 1), lastSession!);
      lastSession = session;
      return {
        ...request,
        body: JSON.stringify({
          sessionId: session.sessionId,
          username: session.username,
          challengeType: 'SMS_OTP',
          code: session.code,
        }),
      };
    },
  };
  const otp = await measure({
    ...cheapCommon,
    name: 'OTP verify',
    warmupAmount: warmupSessions,
    amount: otpSessions,
    request: otpRequest,
  });
  if (reused) throw new Error(`OTP verify ran out of sessions (${reused} requests reused one)`);
  results.http.push(otp);

  // Refresh: a family is refreshed by one request at a time and its token replaced from each answer (rotation);
  // a family whose refresh failed is revoked and dropped.
  const idle = [...familyList];
  results.http.push(
    await measure({
      ...cheapCommon,
      name: 'refresh',
      request: {
        method: 'POST',
        path: '/v1/user/refresh',
        headers: { ...cheapAuth, ...json },
        setupRequest: (request, context) => {
          const family = idle.shift();
          if (!family) throw new Error('every token family is in flight or revoked');
          (context as { family?: Family }).family = family;
          return { ...request, body: JSON.stringify({ username: family.username, refreshToken: family.refreshToken }) };
        },
        onResponse: (status, body, context) => {
          const family = (context as { family?: Family }).family;
          if (!family || status !== 200) return;
          const data = (JSON.parse(body) as { data: { accessToken: string; refreshToken: string } }).data;
          family.refreshToken = data.refreshToken;
          family.accessToken = data.accessToken;
          idle.push(family);
        },
      },
    }),
  );
  // Each run's last request per connection is cut off unanswered, so its family's token is unknown and it is dropped too.
  log(`  ${idle.length} of ${familyList.length} token families still live`);

  const live = idle.length ? idle : familyList;
  let meIndex = 0;
  results.http.push(
    await measure({
      ...cheapCommon,
      name: 'me',
      request: {
        method: 'GET',
        path: '/v1/user/me',
        setupRequest: (request) => ({
          ...request,
          headers: { authorization: `Bearer ${live[meIndex++ % live.length]!.accessToken}` },
        }),
      },
    }),
  );
  const cheapPeak = cheapStopSampling();

  const ceiling = results.hashCeiling;
  const share = loginShare(results);
  results.notes.push(
    `Limits raised on both servers so one load generator (one IP; sign-up and login with a new phone per user) is measured, not throttled: ${Object.entries(
      raisedLimits,
    )
      .map(([name, value]) => `${name}=${value}`)
      .join(', ')}. ` +
      'The per-IP and per-identifier limits would answer 429 after a few hundred requests from 127.0.0.1; SMS budgets are at their allowed maximum (100) so a user logged in several times still gets each code; ' +
      'the login lock and resend cooldown play no part in these flows but are raised so they cannot. Everything else is the default; the server runs with LOG_LEVEL=warn and the default UV_THREADPOOL_SIZE (4).',
    `Client token, sign-up and login run against a server at production hashing (ARGON2_MEMORY_KIB=${production.memoryKib}, ARGON2_ITERATIONS=${production.iterations}); its memory is the RSS above. ` +
      `Login: ${loginConnections} connections (twice libuv's pool, as in the ceiling's measurement: it is bound by argon2id), ${logins} logins over ${signedUp.length} users made by the sign-up run, each answered with a new session and an SMS code.`,
    `OTP verify, refresh and me run against a second server with cheaper hashing (ARGON2_MEMORY_KIB=8192, ARGON2_ITERATIONS=1, OTP_TTL_SECONDS=3600), which none of the three paths uses: ` +
      `it only makes preparing ${sessionsNeeded} real login sessions affordable (${users.length} users, ${loginsPerUser} logins each, ${preparedSeconds.toFixed(0)} s). ` +
      `Every OTP request verifies a different real session with the code read from the dev SMS outbox; the measured run is bounded by the ${otpSessions} sessions (after ${warmupSessions} for warm-up), not by time. ` +
      `Refresh: ${familyList.length} token families, each refreshed by one request at a time, its token replaced from each answer. Me: GET /v1/user/me with their access tokens. That server's peak RSS: ${(cheapPeak / 1e6).toFixed(1)} MB.`,
    `Each measurement follows a ${warmupSeconds} s warm-up with the same requests (OTP: ${warmupSessions} sessions). Latency is autocannon's, over every answer; errors are non-2xx answers and socket errors or timeouts.`,
  );
  if (ceiling && share !== undefined) {
    results.notes.push(
      `Login ceiling: one login verifies one password, so ${ceiling.hashesPerSecond.toFixed(1)} hashes/s (measured in the harness before any server started) bounds it; login reached ${(share * 100).toFixed(1)} %.`,
    );
  }
  if (profileDir)
    results.notes.push(
      `CPU profiles of both servers were written to ${profileDir} during this run (profiling slows them).`,
    );
} finally {
  for (const server of servers.reverse()) await server.stop().catch(() => undefined);
}

if (!flags['no-pipeline']) {
  results.pipeline = await measurePipeline({
    kafka: !flags['no-kafka'],
    log,
    ...(flags.quick ? { seconds: 10, replayEvents: 200_000 } : {}),
  });
}
log('');
for (const figures of results.http) log(describe(figures));
if (!flags['no-write']) {
  const file = path.join(repositoryRoot, 'docs', 'benchmarks.md');
  // The pipeline section is rewritten only when measured, so a run without it keeps the figures already there.
  writeSections(file, {
    http: renderHttpSection(results),
    ...(results.pipeline ? { pipeline: renderPipelineSection(results.pipeline) } : {}),
  });
  log(`written to ${path.relative(process.cwd(), file)}`);
}
