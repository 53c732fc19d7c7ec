/**
 * `npm run bench`: the HTTP figures of the embedded default, measured with
 * autocannon against the real server started as a child process, and written
 * into docs/benchmarks.md between the `bench:http` markers.
 *
 * Flags: --quick (short run), --duration S, --warmup S, --connections N,
 * --login-connections N, --otp-sessions N, --step-ups N, --hash-seconds S, --cpu-prof DIR
 * (CPU profiles of the server children), --no-write (print only).
 */
import { cpus, platform, release, totalmem } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { measureHashCeiling } from './hashCeiling.ts';
import { httpNotes, production } from './httpNotes.ts';
import { measureProductionServer } from './httpProduction.ts';
import { measureSessionServer } from './httpSessions.ts';
import { describe } from './load.ts';
import { measurePipeline } from './pipeline.ts';
import { renderPipelineSection } from './pipelineReport.ts';
import { renderHttpSection, results, targets, writeSections } from './report.ts';
import type { BenchServer } from './server.ts';
import { repositoryRoot } from '../test/support/processes.ts';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    'login-connections': { type: 'string' },
    'otp-sessions': { type: 'string' },
    'step-ups': { type: 'string' },
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
const stepUps = Number(flags['step-ups'] ?? (quick ? 500 : 1000));
const hashSeconds = Number(flags['hash-seconds'] ?? (quick ? 2 : 5));
const profileDir = flags['cpu-prof'] ? path.resolve(flags['cpu-prof']) : undefined;
const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
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
const settings = { connections, loginConnections, warmupSeconds, durationSeconds, nodeArgs, profileDir };

// 1. The hash ceiling, alone on the machine before any server starts.
log(`argon2id ceiling at m=${production.memoryKib} KiB t=${production.iterations} for ${hashSeconds} s…`);
results.hashCeiling = await measureHashCeiling(
  { memoryBytes: production.memoryKib * 1024, iterations: production.iterations },
  hashSeconds,
);
log(
  `  ${results.hashCeiling.hashesPerSecond.toFixed(1)} hashes/s (${results.hashCeiling.inFlight} in flight, pool ${results.hashCeiling.threadPoolSize}, ${cores} cores)`,
);

const servers: BenchServer[] = [];
try {
  // 2. The production-parameter server: client token, sign-up, login, memory.
  const main = await measureProductionServer(settings, servers, log);
  results.http.push(...main.http);
  results.memory = main.memory;
  log(
    `RSS idle ${(main.memory.idleBytes / 1e6).toFixed(1)} MB, peak ${(main.memory.peakBytes / 1e6).toFixed(1)} MB, after ${(main.memory.afterBytes / 1e6).toFixed(1)} MB`,
  );
  // 3. A second server with cheaper hashing for the paths that hash nothing (OTP verify, refresh, me).
  const sessions = await measureSessionServer({ ...settings, otpSessions, stepUps }, servers, log);
  results.http.push(...sessions.http);
  results.notes.push(...httpNotes(results, settings, main, sessions));
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
