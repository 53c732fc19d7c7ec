/**
 * The first `npm start` of a newcomer: with the port taken it fails with a
 * way out and keeps no development client, so the next start still shows the
 * secret; a later start says how to get a new secret.
 */
import t, { type Test } from 'tap';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, startEmbedded } from '@tessera/embedded';
import { eventually, freePort, startService, stopService } from '../support/processes.ts';

const cheap = { ARGON2_MEMORY_KIB: '8192', ARGON2_ITERATIONS: '1', LOG_LEVEL: 'warn' };

/** A port some other program listens on. */
async function takenPort(t: Test): Promise<number> {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  return (blocker.address() as { port: number }).port;
}

t.test(
  'a start on a taken port keeps no development client: the next start makes one and shows its secret',
  async (t) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-first-'));
    t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
    const port = await takenPort(t);
    const failed = await startEmbedded(loadConfig({ ...cheap, PORT: String(port), DATA_DIR: dataDir }), {
      printSms: null,
    }).then(
      async (running) => {
        await running.close();
        return undefined;
      },
      (error: NodeJS.ErrnoException) => error,
    );
    t.equal(failed?.code, 'EADDRINUSE', 'the start fails on the taken port');
    t.notOk(existsSync(path.join(dataDir, 'dev-client.json')), 'no development client is remembered');

    const running = await startEmbedded(loadConfig({ ...cheap, PORT: '0', DATA_DIR: dataDir }), { printSms: null });
    t.teardown(() => running.close());
    t.ok(running.devClient.created, 'the next start makes the development client');
    t.ok(running.devClient.secret, 'and has its secret to show');
  },
);

t.test(
  'npm start on a taken port says so and suggests another; a second start says how to get a new secret',
  async (t) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-first-'));
    t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
    const port = await takenPort(t);
    const refused = startService('embedded', { ...cheap, PORT: String(port), DATA_DIR: dataDir, HOST: '127.0.0.1' });
    t.teardown(() => stopService(refused));
    await refused.exited;
    t.equal(refused.child.exitCode, 1, 'it exits with an error');
    const said = refused.output.join('');
    t.match(said, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`), 'naming the port');
    t.match(said, /PORT=\d+ npm start/, 'and suggesting another');
    t.notMatch(said, /secret/i, 'with no secret printed');

    const start = async () => {
      const server = startService('embedded', {
        ...cheap,
        PORT: String(await freePort()),
        DATA_DIR: dataDir,
        HOST: '127.0.0.1',
      });
      t.teardown(() => stopService(server));
      await eventually(
        'the start banner',
        async () => (/Development API client secret:[^\n]*\n/.test(server.output.join('')) ? true : undefined),
        60_000,
      );
      await stopService(server);
      return server.output.join('');
    };
    const first = await start();
    t.match(
      first,
      /Development API client secret: \S{20,}\s+<- shown once/,
      'the first start that listens shows the secret',
    );
    const second = await start();
    t.match(second, /shown on the first run only/, 'a later start does not');
    t.match(second, /DEV_CLIENT_ID=dev-\S+ DEV_CLIENT_SECRET=/, 'and says how to give the client a secret of your own');
    t.match(second, /npm run client:register/, 'or how to register another client');
  },
);
