/**
 * The step-up round trip on the session server, in its three calls: the user
 * asks (password checked, a code stating the withdrawal sent), answers the
 * code (a step-up token signed), and the payment service consumes the token.
 * Each call is its own autocannon run over real state the previous one made:
 * every step-up answered, every code read back from the dev SMS outbox, every
 * token consumed once.
 */
import type autocannon from 'autocannon';
import { measure, type LoadFigures } from './load.ts';
import type { BenchServer } from './server.ts';
import type { Family } from './sessionPreparation.ts';

const json = { 'content-type': 'application/json' };
const withdrawal = {
  action: 'WITHDRAW',
  transaction: { amount: '150.00', currency: 'EUR', destination: 'FR7630006000011234567890189' },
};

interface Common {
  url: string;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  auth: Record<string, string>;
}

interface Started {
  family: Family;
  sessionId: string;
}

export interface StepUpFigures {
  http: LoadFigures[];
  stepUps: number;
}

/** Step-ups asked by `families`, each family one at a time (so a phone's codes arrive in its step-ups' order). */
async function measureStart(common: Common, families: Family[], amount: number) {
  const idle = [...families];
  const started: Started[] = [];
  const figures = await measure({
    url: common.url,
    connections: common.connections,
    warmupSeconds: 0,
    durationSeconds: common.durationSeconds,
    amount,
    name: 'step-up',
    request: {
      method: 'POST',
      path: '/v1/user/step-up',
      setupRequest: (request, context) => {
        const family = idle.shift();
        if (!family) throw new Error('every token family is in flight');
        (context as { family?: Family }).family = family;
        const body = JSON.stringify({ password: family.password, ...withdrawal });
        return { ...request, headers: { authorization: `Bearer ${family.accessToken}`, ...json }, body };
      },
      onResponse: (status, body, context) => {
        const family = (context as { family?: Family }).family;
        if (!family) return;
        if (status === 200) started.push({ family, sessionId: JSON.parse(body).data.sessionId as string });
        idle.push(family);
      },
    },
  });
  return { figures, started };
}

/** Each step-up with the code its phone received for it: a phone's step-up codes, in order. */
async function withCodes(server: BenchServer, started: Started[]) {
  const deadline = Date.now() + 60_000;
  const codes = new Map<string, string[]>();
  for (;;) {
    codes.clear();
    let count = 0;
    for (const sms of server.outbox()) {
      // A step-up code follows "code" (a login code starts its text), in either language.
      const code = /\bcode (\d+) /.exec(sms.text)?.[1];
      if (!code) continue;
      codes.set(sms.to, [...(codes.get(sms.to) ?? []), code]);
      count += 1;
    }
    if (count >= started.length || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return started.flatMap(({ family, sessionId }) => {
    const code = codes.get(family.phoneNumber)?.shift();
    return code ? [{ username: family.username, sessionId, code }] : [];
  });
}

function postEach(common: Common, name: string, path: string, bodies: string[], onToken?: (body: string) => void) {
  if (bodies.length === 0) throw new Error(`${name}: nothing to send, the previous step answered nothing`);
  let index = 0;
  const request: autocannon.Request = {
    method: 'POST',
    path,
    headers: { ...common.auth, ...json },
    setupRequest: (each) => ({ ...each, body: bodies[index++] ?? bodies.at(-1)! }),
    ...(onToken ? { onResponse: (status: number, body: string) => status === 200 && onToken(body) } : {}),
  };
  return measure({ ...common, warmupSeconds: 0, amount: bodies.length, name, request });
}

/**
 * Measures the three calls in turn with `stepUps` step-ups over `families`
 * (whose access tokens must still be valid).
 */
export async function measureStepUp(
  server: BenchServer,
  common: Common,
  families: Family[],
  stepUps: number,
): Promise<StepUpFigures> {
  const start = await measureStart(common, families, stepUps);
  const answered = await withCodes(server, start.started);
  const otpBodies = answered.map(({ username, sessionId, code }) =>
    JSON.stringify({ sessionId, username, challengeType: 'SMS_OTP', code }),
  );
  const tokens: string[] = [];
  const otp = await postEach(common, 'step-up OTP', '/v1/user/otp', otpBodies, (body) =>
    tokens.push(JSON.parse(body).data.stepUpToken as string),
  );
  const consumeBodies = tokens.map((stepUpToken) => JSON.stringify({ stepUpToken, ...withdrawal }));
  const consume = await postEach(common, 'step-up consume', '/v1/step-up/consume', consumeBodies);
  return { http: [start.figures, otp, consume], stepUps: start.started.length };
}
