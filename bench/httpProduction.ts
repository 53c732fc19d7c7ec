/**
 * The HTTP runs against a server at production hashing: client token,
 * sign-up and login, and the server's memory meanwhile.
 */
import type autocannon from 'autocannon';
import { measure, type LoadFigures } from './load.ts';
import type { MemoryFigures } from './report.ts';
import { basicAuth, clientToken, startBenchServer, type BenchServer } from './server.ts';
import { nextUser, type User } from './users.ts';

export interface RunSettings {
  connections: number;
  loginConnections: number;
  warmupSeconds: number;
  durationSeconds: number;
  nodeArgs: string[];
}

export interface ProductionFigures {
  http: LoadFigures[];
  memory: MemoryFigures;
  logins: number;
  signedUp: number;
}

const json = { 'content-type': 'application/json' };

export async function measureProductionServer(
  settings: RunSettings,
  servers: BenchServer[],
  log: (line: string) => void,
): Promise<ProductionFigures> {
  const server = await startBenchServer({ label: 'main', nodeArgs: settings.nodeArgs });
  servers.push(server);
  log(`server (production hashing) at ${server.url}, pid ${server.pid}`);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const idleBytes = server.rss();
  const stopSampling = server.sampleRss();
  const common = {
    url: server.url,
    connections: settings.connections,
    warmupSeconds: settings.warmupSeconds,
    durationSeconds: settings.durationSeconds,
  };
  const http: LoadFigures[] = [];
  http.push(
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
  const auth = { authorization: `Bearer ${await clientToken(server.url)}` };
  const signedUp: User[] = [];
  http.push(await measure({ ...common, name: 'sign-up', request: signUpRequest(auth, signedUp) }));
  if (signedUp.length === 0) throw new Error('no sign-up succeeded');
  // Each login a different user while they last (the SMS budget counts per phone); users created by the sign-up run.
  let loginIndex = 0;
  http.push(
    await measure({
      ...common,
      name: 'login',
      connections: settings.loginConnections,
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
  const memory = { idleBytes, peakBytes: stopSampling(), afterBytes: server.rss() };
  await server.stop();
  servers.pop();
  return { http, memory, logins: loginIndex, signedUp: signedUp.length };
}

/** A sign-up per request, each a new user; those that succeed are kept for the login run. */
function signUpRequest(auth: Record<string, string>, signedUp: User[]): autocannon.Request {
  return {
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
  };
}
