/**
 * The embedded default as a child process of the benchmark: its own temporary
 * data directory, a free port, a fixed development client, and its resident
 * memory sampled from /proc while it runs.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import {
  eventually,
  freePort,
  isReady,
  repositoryRoot,
  stopService,
  type ServiceProcess,
} from '../test/support/processes.ts';

export const BENCH_CLIENT = { clientId: 'bench-client', secret: 'bench-client-secret-0123456789' };

/**
 * Abuse limits raised so one load generator (one IP, a few phone numbers per
 * user) is measured rather than throttled; each is explained in the report.
 */
export const raisedLimits: Record<string, string> = {
  RATE_LIMIT_PER_IP: '1000000',
  RATE_LIMIT_SENSITIVE_PER_IP: '1000000',
  RATE_LIMIT_PER_IDENTIFIER: '1000000',
  SMS_BUDGET_PER_WINDOW: '100',
  SMS_BUDGET_PER_DAY: '100',
  LOGIN_LOCK_THRESHOLD: '1000',
  OTP_RESEND_COOLDOWN_SECONDS: '0',
};

export interface BenchServer {
  url: string;
  dataDir: string;
  pid: number;
  env: Record<string, string>;
  process: ServiceProcess;
  /** The child's resident set size now, in bytes (VmRSS). */
  rss(): number;
  /** Starts sampling RSS every `intervalMs`; the returned function stops and gives the peak. */
  sampleRss(intervalMs?: number): () => number;
  /** Lines of the dev SMS outbox, oldest first. */
  outbox(): Array<{ to: string; text: string }>;
  stop(): Promise<void>;
}

function spawnEmbedded(env: Record<string, string>, nodeArgs: string[]): ServiceProcess {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'services/embedded/src/main.ts'], {
    cwd: repositoryRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { name: 'embedded', output, child, exited };
}

export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  if (!kib) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kib) * 1024;
}

export async function startBenchServer(options: {
  env?: Record<string, string>;
  nodeArgs?: string[];
  label: string;
}): Promise<BenchServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `tessera-bench-${options.label}-`));
  const port = await freePort();
  const env = benchEnv(port, dataDir, options.env);
  // node --import tsx services/embedded/src/main.ts, as `npm start` runs it; extra node flags (a CPU profile) go first.
  const service = spawnEmbedded(env, options.nodeArgs ?? []);
  const url = `http://127.0.0.1:${port}`;
  try {
    await eventually(`the ${options.label} server at ${url}`, () => isReady(`${url}/health/ready`), 60_000, 100);
  } catch (error) {
    await stopService(service);
    throw new Error(`${String(error)}\n${service.output.join('')}`);
  }
  const pid = service.child.pid;
  if (pid === undefined) throw new Error('the server child has no pid');
  const outboxFile = path.join(dataDir, 'sms-outbox.jsonl');
  const server: BenchServer = {
    url,
    dataDir,
    pid,
    env,
    process: service,
    rss: () => rssOf(pid),
    sampleRss: (intervalMs = 200) => sampleRssOf(pid, intervalMs),
    outbox: () => readOutbox(outboxFile),
    async stop() {
      await stopService(service, 'SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

/** The server's environment: a fixed development client, cheaper hashing, raised limits, then `extra`. */
function benchEnv(port: number, dataDir: string, extra: Record<string, string> | undefined): Record<string, string> {
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DEV_CLIENT_ID: BENCH_CLIENT.clientId,
    DEV_CLIENT_SECRET: BENCH_CLIENT.secret,
    ARGON2_MEMORY_KIB: '19456',
    ARGON2_ITERATIONS: '2',
    LOG_LEVEL: 'warn',
    ...raisedLimits,
    ...extra,
  };
}

/** Samples the RSS of `pid` every `intervalMs`; the returned function stops and gives the peak. */
function sampleRssOf(pid: number, intervalMs: number): () => number {
  let peak = rssOf(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssOf(pid));
    } catch {
      /* exited */
    }
  }, intervalMs);
  return () => {
    clearInterval(timer);
    try {
      peak = Math.max(peak, rssOf(pid));
    } catch {
      /* exited */
    }
    return peak;
  };
}

/** The development SMS outbox, one JSON line per message; no file before the first one. */
function readOutbox(outboxFile: string): Array<{ to: string; text: string }> {
  if (!existsSync(outboxFile)) return [];
  return readFileSync(outboxFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { to: string; text: string });
}

/** The development client's access token (client credentials). */
export async function clientToken(url: string): Promise<string> {
  const response = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: { authorization: basicAuth(), 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  if (!response.ok) throw new Error(`/oauth/token answered ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

export function basicAuth(): string {
  return `Basic ${Buffer.from(`${BENCH_CLIENT.clientId}:${BENCH_CLIENT.secret}`).toString('base64')}`;
}

/** A parsed JSON body, read loosely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type LooseJson = any;

/** A JSON call with a bearer token; the body parsed loosely. */
export async function call(
  url: string,
  route: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; body: LooseJson }> {
  const response = await fetch(`${url}${route}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: response.status, body: parsed };
}
