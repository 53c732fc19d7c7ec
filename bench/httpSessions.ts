/**
 * The HTTP runs against a second server with cheaper hashing, for the paths
 * that hash nothing (OTP verify, refresh, me): it only makes preparing tens of
 * thousands of real login sessions affordable.
 */
import type autocannon from 'autocannon';
import type { RunSettings } from './httpProduction.ts';
import { measure, type LoadFigures } from './load.ts';
import { clientToken, startBenchServer, type BenchServer } from './server.ts';
import {
  LOGINS_PER_USER,
  prepareSessions,
  verifyIntoFamilies,
  type Family,
  type Session,
} from './sessionPreparation.ts';
import { measureStepUp } from './httpStepUp.ts';
import { nextUser } from './users.ts';

export interface SessionFigures {
  http: LoadFigures[];
  sessionsNeeded: number;
  users: number;
  preparedSeconds: number;
  otpSessions: number;
  warmupSessions: number;
  families: number;
  /** Step-ups asked, each answered and consumed in the next two runs. */
  stepUps: number;
  peakBytes: number;
}

const json = { 'content-type': 'application/json' };

/** OTP verify: every request a real session with its real code, never one twice; bounded by the sessions prepared. */
async function measureOtp(common: MeasureCommon, sessions: Session[], otpSessions: number, warmupSessions: number) {
  let reused = 0;
  let lastSession: Session | undefined;
  const otpRequest: autocannon.Request = {
    method: 'POST',
    path: '/v1/user/otp',
    headers: { ...common.auth, ...json },
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
  const { auth: _auth, ...spec } = common;
  const otp = await measure({
    ...spec,
    name: 'OTP verify',
    warmupAmount: warmupSessions,
    amount: otpSessions,
    request: otpRequest,
  });
  if (reused) throw new Error(`OTP verify ran out of sessions (${reused} requests reused one)`);
  return otp;
}

/**
 * Refresh: a family is refreshed by one request at a time and its token replaced from each answer (rotation);
 * a family whose refresh failed is revoked and dropped. Returns the families still live.
 */
async function measureRefresh(common: MeasureCommon, families: Family[]) {
  const idle = [...families];
  const { auth, ...spec } = common;
  const figures = await measure({
    ...spec,
    name: 'refresh',
    request: {
      method: 'POST',
      path: '/v1/user/refresh',
      headers: { ...auth, ...json },
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
  });
  return { figures, live: idle };
}

function measureMe(common: MeasureCommon, live: Family[]) {
  let meIndex = 0;
  const { auth: _auth, ...spec } = common;
  return measure({
    ...spec,
    name: 'me',
    request: {
      method: 'GET',
      path: '/v1/user/me',
      setupRequest: (request) => ({
        ...request,
        headers: { authorization: `Bearer ${live[meIndex++ % live.length]!.accessToken}` },
      }),
    },
  });
}

interface MeasureCommon {
  url: string;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  auth: Record<string, string>;
}

export async function measureSessionServer(
  settings: RunSettings & { otpSessions: number; stepUps: number },
  servers: BenchServer[],
  log: (line: string) => void,
): Promise<SessionFigures> {
  const { connections, otpSessions } = settings;
  const server = await startBenchServer({
    label: 'sessions',
    nodeArgs: settings.nodeArgs,
    env: { ARGON2_MEMORY_KIB: '8192', ARGON2_ITERATIONS: '1', OTP_TTL_SECONDS: '3600' },
  });
  servers.push(server);
  const bearer = await clientToken(server.url);
  const families = 4 * connections;
  const warmupSessions = Math.min(Math.round(otpSessions / 10), 1000);
  const sessionsNeeded = otpSessions + warmupSessions + families + 2 * connections;
  const users = Array.from({ length: Math.ceil(sessionsNeeded / LOGINS_PER_USER) }, nextUser);
  const preparing = performance.now();
  log(
    `preparing ${sessionsNeeded} login sessions (${users.length} users × ${LOGINS_PER_USER} logins) on ${server.url}…`,
  );
  const sessions = await prepareSessions(server, bearer, users);
  const preparedSeconds = (performance.now() - preparing) / 1000;
  log(`  ${sessions.length} sessions with their codes in ${preparedSeconds.toFixed(1)} s`);
  if (sessions.length < sessionsNeeded)
    throw new Error(`only ${sessions.length} of ${sessionsNeeded} codes reached the outbox`);
  const familyList = await verifyIntoFamilies(server, bearer, sessions.splice(0, families));

  const stopSampling = server.sampleRss();
  const common = {
    url: server.url,
    connections,
    warmupSeconds: settings.warmupSeconds,
    durationSeconds: settings.durationSeconds,
    auth: { authorization: `Bearer ${bearer}` },
  };
  const otp = await measureOtp(common, sessions, otpSessions, warmupSessions);
  const refresh = await measureRefresh(common, familyList);
  // Each run's last request per connection is cut off unanswered, so its family's token is unknown and it is dropped too.
  log(`  ${refresh.live.length} of ${familyList.length} token families still live`);
  const live = refresh.live.length ? refresh.live : familyList;
  const me = await measureMe(common, live);
  // A user keeps its latest 20 step-ups (an older one's code is then expired): at most 15 per family, well inside.
  const stepUp = await measureStepUp(server, common, live, Math.min(settings.stepUps, 15 * live.length));
  return {
    http: [otp, refresh.figures, me, ...stepUp.http],
    stepUps: stepUp.stepUps,
    sessionsNeeded,
    users: users.length,
    preparedSeconds,
    otpSessions,
    warmupSessions,
    families: familyList.length,
    peakBytes: stopSampling(),
  };
}
