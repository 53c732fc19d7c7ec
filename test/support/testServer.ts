/**
 * A real Tessera (embedded default) listening on a free port, with its own
 * data directory, a captured log, a movable clock and helpers to call it the
 * way a partner's backend would.
 */
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig, startEmbedded, type RunningEmbedded } from '@tessera/embedded';
import { outboxPath } from '@tessera/sms';
import { eventually } from '@tessera/testing';

/** Response bodies are read the way a test reads JSON: loosely, asserting on what matters. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LooseJson = any;

export interface TestServer {
  url: string;
  dataDir: string;
  logs: string[];
  running: RunningEmbedded;
  /** Moves identity's, the notifier's and the rate limits' clock forward. */
  advanceClock(seconds: number): void;
  /** The time on that clock. */
  now(): Date;
  clientToken(): Promise<string>;
  call(
    method: string,
    route: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; headers: Headers; body: LooseJson }>;
  /** Codes sent so far, newest last, as read from the dev SMS outbox. */
  sentCodes(): Array<{ to: string; code: string; text: string }>;
  /** How many codes went to `phone` so far. */
  countSentTo(phone: string): number;
  /** Waits for a code sent to `phone` beyond the `previousCount` SMS already there, and returns the latest. */
  nextCode(phone: string, previousCount: number): Promise<string>;
  close(): Promise<void>;
}

export const DEV_CLIENT = { clientId: 'test-client', secret: 'test-client-secret-0123456789' };

export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-test-'));
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  let offsetMs = 0;
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    DEV_CLIENT_ID: DEV_CLIENT.clientId,
    DEV_CLIENT_SECRET: DEV_CLIENT.secret,
    // Cheaper hashing keeps the suite quick; the parameters themselves are tested in the crypto package.
    ARGON2_MEMORY_KIB: '8192',
    ARGON2_ITERATIONS: '1',
    LOG_LEVEL: 'info',
    // Suites walk one user through many logins; the budget itself is tested with its defaults in smsBudget.test.ts.
    SMS_BUDGET_PER_WINDOW: '50',
    SMS_BUDGET_PER_DAY: '100',
    // Every suite calls from 127.0.0.1, and some walk one user through many steps; the limits are tested in rateLimits.test.ts.
    RATE_LIMIT_PER_IP: '100000',
    RATE_LIMIT_SENSITIVE_PER_IP: '100000',
    RATE_LIMIT_PER_IDENTIFIER: '100000',
    // Refusals and resets would each wait a quarter of a second; the uniform answer time is tested in test/e2e/timing/.
    UNIFORM_ANSWER_MS: '0',
    ...env,
  });
  const clock = () => new Date(Date.now() + offsetMs);
  const running = await startEmbedded(config, { logDestination: destination, printSms: null, clock });
  let token: string | undefined;

  const server: TestServer = {
    url: running.url,
    dataDir,
    logs,
    running,
    advanceClock(seconds) {
      offsetMs += seconds * 1000;
    },
    now: clock,
    async clientToken() {
      if (token) return token;
      const response = await fetch(`${running.url}/oauth/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${DEV_CLIENT.clientId}:${DEV_CLIENT.secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      });
      token = ((await response.json()) as { access_token: string }).access_token;
      return token;
    },
    async call(method, route, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      const bearer = options.token ?? (await server.clientToken());
      if (bearer) headers.authorization = `Bearer ${bearer}`;
      if (options.body !== undefined) headers['content-type'] ??= 'application/json';
      const response = await fetch(`${running.url}${route}`, {
        method,
        headers,
        ...(options.body === undefined
          ? {}
          : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* not JSON: keep the text */
      }
      return { status: response.status, headers: response.headers, body };
    },
    sentCodes() {
      const file = outboxPath(dataDir);
      if (!existsSync(file)) return [];
      return readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const { to, text } = JSON.parse(line) as { to: string; text: string };
          // A login or reset code comes first; a step-up code follows "code" after the brand.
          return { to, text, code: (/^(\d+)/.exec(text) ?? /\bcode (\d+)/.exec(text))?.[1] ?? '' };
        });
    },
    countSentTo(phone) {
      return server.sentCodes().filter((sms) => sms.to === phone).length;
    },
    nextCode(phone, before) {
      return eventually(
        'a code in the dev outbox',
        () =>
          server
            .sentCodes()
            .filter((sms) => sms.to === phone)
            .slice(before)
            // A notice (no code) sent meanwhile, such as the password-changed SMS, may land on either side of `before`.
            .filter((sms) => sms.code !== '')
            .at(-1)?.code,
        5000,
      );
    },
    async close() {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

let counter = 0;
/** A fresh, valid user for each call: a French mobile number (+33 61x xx xx xx) unique within the process. */
export function newUser(): { email: string; phoneNumber: string; password: string } {
  counter += 1;
  const suffix = String(((process.pid % 100) * 100_000 + counter) % 10_000_000).padStart(7, '0');
  return {
    email: `user${suffix}.${counter}@example.com`,
    phoneNumber: `+3361${suffix}`,
    password: `a long passphrase ${suffix}`,
  };
}
