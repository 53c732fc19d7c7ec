/** A partner registered from the command line can get tokens from the running server. */
import t from 'tap';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { eventually } from '@tessera/testing';
import { startTestServer } from '../support/testServer.ts';

const run = promisify(execFile);

t.test('the CLI registers a client, shows its secret once, and the running server accepts it', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const { stdout } = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      'services/embedded/src/registerClientCli.ts',
      '--name',
      'Acme Bank',
      '--id',
      'acme-bank',
      '--scopes',
      'users:write',
    ],
    {
      env: { ...process.env, DATA_DIR: server.dataDir, ARGON2_MEMORY_KIB: '8192', ARGON2_ITERATIONS: '1' },
    },
  );
  t.match(stdout, /client_id:\s+acme-bank/);
  const secret = /client_secret:\s+(\S+)/.exec(stdout)?.[1] ?? '';
  t.equal(Buffer.from(secret, 'base64url').length, 32, 'a 256-bit secret');

  const basic = `Basic ${Buffer.from(`acme-bank:${secret}`).toString('base64')}`;
  let status = 0;
  const granted = await eventually(
    'a token for the new client',
    async () => {
      const response = await fetch(`${server.url}/oauth/token`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      status = response.status;
      return status === 200 ? ((await response.json()) as { scope: string }) : undefined;
    },
    5000,
    50,
  ).catch(() => undefined);
  t.equal(status, 200, 'the new client gets a token');
  t.equal(granted?.scope, 'users:write', 'with the scopes it was registered with');
});

t.test('the CLI refuses unknown scopes with a clear message', async (t) => {
  const failure = await run(
    process.execPath,
    ['--import', 'tsx', 'services/embedded/src/registerClientCli.ts', '--name', 'X', '--scopes', 'root'],
    { env: { ...process.env, DATA_DIR: '/nonexistent-not-used' } },
  ).then(
    () => undefined,
    (error: { code: number; stderr: string }) => error,
  );
  t.equal(failure?.code, 2);
  t.match(failure?.stderr, /unknown scope\(s\): root/);
});

t.test('the CLI refuses an audience that is not an absolute URI without a fragment', async (t) => {
  const failure = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      'services/embedded/src/registerClientCli.ts',
      '--name',
      'X',
      '--audiences',
      'https://payments.example,payments,https://a.example/#f',
    ],
    { env: { ...process.env, DATA_DIR: '/nonexistent-not-used' } },
  ).then(
    () => undefined,
    (error: { code: number; stderr: string }) => error,
  );
  t.equal(failure?.code, 2);
  t.match(failure?.stderr, /--audiences must be absolute URIs.*: payments, https:\/\/a\.example\/#f/);
});
