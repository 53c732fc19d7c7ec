/**
 * Figures 1, 2 (embedded) and 4 of the pipeline: one embedded server, sign-ups
 * and logins over HTTP; projection lag and the SMS hand-off are timed through
 * the embedded observer, which changes nothing the server does.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EventMessageValue } from '@tessera/contracts';
import { loadConfig, startEmbedded, type PipelineObserver } from '@tessera/embedded';
import { mib, now, onSchedule, quantiles, sleep, WARMUP_SECONDS, type Quantiles } from './measuring.ts';

export interface EmbeddedFigures {
  load: { rate: number; seconds: number; users: number; httpErrors: number };
  projectionLag: Quantiles;
  smsEmbedded: Quantiles;
  rss: { idle: number; underLoadPeak: number; underLoadMedian: number };
}

const client = { id: 'bench-client', secret: 'bench-client-secret-0123456789' };

/** What the observer saw while `measuring` was on. */
function createTimings() {
  const timings = {
    measuring: false,
    lags: [] as number[],
    recordedAt: new Map<string, number>(),
    sentAt: new Map<string, number>(),
  };
  const observer: PipelineObserver = {
    projected: (event: EventMessageValue) => {
      if (!timings.measuring || !event.streamId.startsWith('user-')) return;
      const at = Date.parse(event.recordedAt);
      timings.lags.push(now() - at);
      if (event.type === 'OtpIssued') timings.recordedAt.set(event.eventId, at);
    },
    smsHandedOver: (reference: string) => {
      if (timings.measuring) timings.sentAt.set(reference, now());
    },
  };
  const smsLatencies = () =>
    [...timings.recordedAt].flatMap(([eventId, at]) => {
      const sent = timings.sentAt.get(eventId);
      return sent === undefined ? [] : [sent - at];
    });
  return { timings, observer, smsLatencies };
}

/** Signs users up and logs them in over the HTTP API; counts the requests that failed. */
async function httpUsers(url: string) {
  const tokenResponse = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  const token = ((await tokenResponse.json()) as { access_token: string }).access_token;
  const load = { httpErrors: 0 };
  const post = async (route: string, body: unknown) => {
    const response = await fetch(`${url}${route}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${route} answered ${response.status}`);
  };
  const user = async (index: number) => {
    const email = `bench-${index}-${randomUUID().slice(0, 8)}@example.com`;
    const password = `Bench-${randomUUID()}`;
    try {
      await post('/v1/user/sign-up', { email, phoneNumber: `+3361${String(index).padStart(7, '0')}`, password });
      await post('/v1/user/login', { username: email, password });
    } catch {
      load.httpErrors += 1;
    }
  };
  return { load, user };
}

export async function measureEmbedded(
  rate: number,
  seconds: number,
  log: (line: string) => void,
): Promise<EmbeddedFigures> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-pipeline-'));
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    DEV_CLIENT_ID: client.id,
    DEV_CLIENT_SECRET: client.secret,
    LOG_LEVEL: 'warn',
    // Cheap hashing, so the load is the pipeline's and not argon2id's (which the HTTP figures cover).
    ARGON2_MEMORY_KIB: '8192',
    ARGON2_ITERATIONS: '1',
    RATE_LIMIT_PER_IP: '1000000',
    RATE_LIMIT_SENSITIVE_PER_IP: '1000000',
    RATE_LIMIT_PER_IDENTIFIER: '1000000',
  });
  const { timings, observer, smsLatencies } = createTimings();
  const running = await startEmbedded(config, { printSms: null, observer });
  try {
    const { load, user } = await httpUsers(running.url);
    await sleep(2000);
    const idle = process.memoryUsage().rss;
    log(`embedded: ${WARMUP_SECONDS} s warm-up, then ${seconds} s at ${rate} users/s`);
    await onSchedule(rate, WARMUP_SECONDS, user);
    await sleep(500);
    load.httpErrors = 0;
    timings.measuring = true;
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(process.memoryUsage().rss), 100);
    const users = await onSchedule(rate, seconds, user, 1_000_000);
    await sleep(1000);
    clearInterval(sampler);
    timings.measuring = false;
    const sortedRss = [...rss].sort((a, b) => a - b);
    return {
      load: { rate, seconds, users, httpErrors: load.httpErrors },
      projectionLag: quantiles(timings.lags),
      smsEmbedded: quantiles(smsLatencies()),
      rss: {
        idle: mib(idle),
        underLoadPeak: mib(sortedRss.at(-1) ?? NaN),
        underLoadMedian: mib(sortedRss[Math.floor(sortedRss.length / 2)] ?? NaN),
      },
    };
  } finally {
    await running.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
