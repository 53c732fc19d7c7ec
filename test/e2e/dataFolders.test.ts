/**
 * A first start makes its own data folder: each distributed service, and each
 * command-line tool that reads DATA_DIR, given a folder that does not exist
 * yet (the README's "Without Docker" commands name such folders).
 */
import t from 'tap';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createAuditKeyFile, createKeyringFile } from '@tessera/runtime';
import { eventually, freePort, repositoryRoot, startService, stopService } from '../support/processes.ts';

const run = promisify(execFile);
const dir = mkdtempSync(path.join(tmpdir(), 'tessera-folders-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const keysFile = path.join(dir, 'keys.json');
createKeyringFile(keysFile);
const auditKeyFile = path.join(dir, 'audit-key.json');
createAuditKeyFile(auditKeyFile);
// SQLite for everything, whatever the environment of the test run says.
const local = {
  KEYS_FILE: keysFile,
  AUDIT_KEY_FILE: auditKeyFile,
  MONGO_URL: '',
  EVENTSTORE_URL: '',
  CI: '',
  ARGON2_MEMORY_KIB: '8192',
  ARGON2_ITERATIONS: '1',
};

for (const name of ['identity', 'projector', 'notifier', 'gateway'] as const) {
  t.test(`${name} makes its data folder on a first start, then waits for Kafka`, async (t) => {
    const dataDir = path.join(dir, name, 'not', 'made', 'yet');
    // Nothing listens there: each service opens its SQLite files first, then keeps trying Kafka.
    const kafka = `127.0.0.1:${await freePort()}`;
    const service = startService(name, {
      ...local,
      KAFKA_BROKERS: kafka,
      DATA_DIR: dataDir,
      OPS_PORT: String(await freePort()),
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
    });
    t.teardown(() => stopService(service));
    const outcome = await eventually(
      `${name} to reach Kafka or exit`,
      async () => {
        if (service.child.exitCode !== null) return 'exited';
        // kafkajs reports the refused connection at once; the service's own retry message comes after its retries.
        return /ECONNREFUSED|kafka unavailable, retrying/.test(service.output.join(''))
          ? 'waiting for Kafka'
          : undefined;
      },
      60_000,
    );
    t.equal(
      outcome,
      'waiting for Kafka',
      outcome === 'exited' ? `it exited:\n${service.output.join('').slice(-2000)}` : 'still running',
    );
    t.ok(
      existsSync(dataDir) && readdirSync(dataDir).some((file) => file.endsWith('.sqlite')),
      'its SQLite files are in the new folder',
    );
  });
}

t.test('client-register makes the data folder of the event store it writes to', async (t) => {
  const dataDir = path.join(dir, 'cli', 'identity');
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'services/embedded/src/registerClientCli.ts', '--name', 'Acme Bank', '--id', 'acme-bank'],
    {
      cwd: repositoryRoot,
      env: { ...process.env, ...local, DATA_DIR: dataDir },
    },
  );
  t.match(stdout, /client_id:\s+acme-bank/, 'the client is registered');
  t.ok(existsSync(path.join(dataDir, 'events.sqlite')), 'into an event store in the new folder');
});

t.test('the replay export reads an empty log from a data folder that did not exist', async (t) => {
  const dataDir = path.join(dir, 'cli', 'replay');
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'services/projector/src/replayCli.ts', 'export'], {
    cwd: repositoryRoot,
    env: { ...process.env, ...local, DATA_DIR: dataDir },
  });
  t.equal(stdout, '', 'no events, and no error');
});
