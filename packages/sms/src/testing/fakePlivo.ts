/**
 * A stand-in for Plivo's Message API on 127.0.0.1, for tests of anything that
 * sends SMS through `createPlivoSms`: it checks Basic auth, records what it
 * queued, and can be told to fail, stall or go down.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listen, parseParams, pickOptional, readBody, validateMessage } from './fakePlivoRequests.ts';

/** A message as Plivo received it (snake_case, as on the wire). */
export interface FakePlivoMessage {
  src?: string;
  dst: string;
  text: string;
  powerpack_uuid?: string;
  url?: string;
  method?: string;
  message_uuid: string;
}

/** A scripted answer: a status with Plivo's usual body, or a status with a body of your own. */
export type FakePlivoResponse = number | { status: number; body: unknown };

export interface FakePlivo {
  /** The account API base to pass as `apiUrl`: `http://127.0.0.1:PORT/v1/Account/<authId>`. */
  readonly url: string;
  readonly authId: string;
  readonly authToken: string;
  /** Messages answered with a 2xx, in order. */
  readonly received: FakePlivoMessage[];
  /** Every request to the Message endpoint with the status it got, failures included. */
  readonly requests: Array<{ status: number }>;
  /** Answers the next requests with these, in order; afterwards 202 again. */
  respondWith(responses: FakePlivoResponse[]): void;
  /** Holds the next request this long; if its client gives up meanwhile, nothing is recorded. */
  delayNext(ms: number): void;
  /** Stops listening and drops every connection: clients get ECONNREFUSED. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

const statusErrors: Record<number, string> = {
  400: 'invalid request',
  401: 'authentication credentials invalid',
  404: 'not found',
  429: 'too many requests',
};

/** What the fake remembers between requests, and what a request is checked against. */
interface FakePlivoState {
  expectedAuth: string;
  messagePath: string;
  received: FakePlivoMessage[];
  requests: Array<{ status: number }>;
  script: FakePlivoResponse[];
  timers: Set<NodeJS.Timeout>;
  nextDelayMs: number;
}

/** Starts a fake on an ephemeral port. Close it in teardown: the SDK keeps connections alive. */
export async function createFakePlivo(options: { authId?: string; authToken?: string } = {}): Promise<FakePlivo> {
  const authId = options.authId ?? 'MAFAKEPLIVOAUTHID000';
  const authToken = options.authToken ?? 'fake-plivo-auth-token';
  const state: FakePlivoState = {
    expectedAuth: `Basic ${Buffer.from(`${authId}:${authToken}`).toString('base64')}`,
    messagePath: `/v1/Account/${authId}/Message/`,
    received: [],
    requests: [],
    script: [],
    timers: new Set(),
    nextDelayMs: 0,
  };

  const server = createServer((req, res) => {
    answerMessageRequest(state, req, res).catch(() => error(res, 500, 'internal server error'));
  });
  await listen(server, 0);
  const { port } = server.address() as AddressInfo;

  const down = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  };

  return {
    url: `http://127.0.0.1:${port}/v1/Account/${authId}`,
    authId,
    authToken,
    received: state.received,
    requests: state.requests,
    respondWith: (responses) => void state.script.push(...responses),
    delayNext: (ms) => void (state.nextDelayMs = ms),
    down: () => (server.listening ? down() : Promise.resolve()),
    up: () => (server.listening ? Promise.resolve() : listen(server, port)),
    close: async () => {
      for (const timer of state.timers) clearTimeout(timer);
      state.timers.clear();
      if (server.listening) await down();
    },
  };
}

/** Writes a JSON answer unless the client has already gone (a delayed request it gave up on). */
function answer(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** An error in Plivo's shape. */
function error(res: ServerResponse, status: number, message: string): void {
  answer(res, status, { api_id: randomUUID(), error: message });
}

/** Answers one request as Plivo's Message API would, unless told otherwise: scripted, delayed. */
async function answerMessageRequest(state: FakePlivoState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = await readBody(req);
  if (req.method !== 'POST' || req.url !== state.messagePath) return error(res, 404, 'not found');
  if (req.headers.authorization !== state.expectedAuth) return error(res, 401, statusErrors[401] ?? '');
  const delayMs = state.nextDelayMs;
  state.nextDelayMs = 0;
  if (delayMs > 0) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => (state.timers.delete(timer), resolve()), delayMs);
      state.timers.add(timer);
    });
    if (res.destroyed || req.socket.destroyed) return;
  }
  const params = parseParams(raw, req.headers['content-type']);
  const scripted = state.script.shift();
  const wanted = typeof scripted === 'object' ? scripted.status : (scripted ?? 202);
  const accepted = wanted >= 200 && wanted < 300;
  const invalid = accepted ? validateMessage(params) : undefined;
  state.requests.push({ status: invalid ? 400 : wanted });
  if (invalid) return error(res, 400, invalid);
  if (!accepted) {
    if (typeof scripted === 'object') return answer(res, wanted, scripted.body);
    return error(res, wanted, statusErrors[wanted] ?? (wanted >= 500 ? 'internal server error' : 'request failed'));
  }
  const message_uuid = randomUUID();
  state.received.push({ ...pickOptional(params), dst: params.dst ?? '', text: params.text ?? '', message_uuid });
  answer(res, wanted, { api_id: randomUUID(), message: 'message(s) queued', message_uuid: [message_uuid] });
}
