/** Flows several suites walk through: a partner client with chosen scopes, a user signed up and logged in. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { eventually } from '@tessera/testing';
import type { TestServer } from './testServer.ts';

const run = promisify(execFile);

/**
 * Registers a client through the command line into the running server's data directory; the secret is shown once.
 * `audiences`: the resources (RFC 8707) its tokens may name beside the server.
 */
export async function registerClient(
  server: TestServer,
  id: string,
  scopes: string[],
  audiences: string[] = [],
): Promise<{ clientId: string; secret: string }> {
  const { stdout } = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      'services/embedded/src/registerClientCli.ts',
      '--name',
      id,
      '--id',
      id,
      '--scopes',
      scopes.join(','),
      ...(audiences.length ? ['--audiences', audiences.join(',')] : []),
    ],
    {
      env: { ...process.env, DATA_DIR: server.dataDir, ARGON2_MEMORY_KIB: '8192', ARGON2_ITERATIONS: '1' },
    },
  );
  return { clientId: id, secret: /client_secret:\s+(\S+)/.exec(stdout)?.[1] ?? '' };
}

/** Registers a client with `scopes` and returns its access token. */
export async function clientToken(server: TestServer, id: string, scopes: string[]): Promise<string> {
  return tokenOf(server, await registerClient(server, id, scopes));
}

/** The client's access token, waiting for the running server to pick a newly registered client up. */
export async function tokenOf(server: TestServer, client: { clientId: string; secret: string }): Promise<string> {
  const basic = `Basic ${Buffer.from(`${client.clientId}:${client.secret}`).toString('base64')}`;
  return eventually(
    `a token for client ${client.clientId}`,
    async () => {
      const response = await fetch(`${server.url}/oauth/token`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      return response.ok ? ((await response.json()) as { access_token: string }).access_token : undefined;
    },
    10_000,
    50,
  );
}

export interface LoggedIn {
  userId: string;
  accessToken: string;
  refreshToken: string;
  code: string;
}

/** Signs a user up (unless told not to) and logs them in with password and SMS code. */
export async function signUpAndLogIn(
  server: TestServer,
  user: { email: string; phoneNumber: string; password: string },
  options: { token?: string; signUp?: boolean } = {},
): Promise<LoggedIn> {
  const token = options.token;
  if (options.signUp ?? true) {
    const signUp = await server.call('POST', '/v1/user/sign-up', { body: user, ...(token ? { token } : {}) });
    if (signUp.status !== 200) throw new Error(`sign-up answered ${signUp.status}`);
  }
  const before = server.countSentTo(user.phoneNumber);
  const login = await server.call('POST', '/v1/user/login', {
    body: { username: user.email, password: user.password },
    ...(token ? { token } : {}),
  });
  if (login.status !== 200) throw new Error(`login answered ${login.status}`);
  const code = await server.nextCode(user.phoneNumber, before);
  const otp = await server.call('POST', '/v1/user/otp', {
    body: { sessionId: login.body.data.sessionId, username: user.email, challengeType: 'SMS_OTP', code },
    ...(token ? { token } : {}),
  });
  if (otp.status !== 200) throw new Error(`otp answered ${otp.status}: ${JSON.stringify(otp.body)}`);
  return {
    userId: otp.body.data.userId,
    accessToken: otp.body.data.accessToken,
    refreshToken: otp.body.data.refreshToken,
    code,
  };
}
