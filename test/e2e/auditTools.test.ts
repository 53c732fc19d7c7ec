/**
 * The auditor's tools on a real embedded server's data folder: after users
 * sign up and log in, one is erased and the server stops cleanly, the
 * operator hands out the public key and an export; `npm run audit -- verify`
 * passes on the store and on the export, and so does the script of
 * docs/audit.md. Erasure leaves the chain whole.
 */
import t from 'tap';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { runAudit } from '../../packages/audit/test/fixtures/runAudit.ts';
import { repositoryRoot } from '../support/processes.ts';
import { clientToken, signUpAndLogIn } from '../support/flows.ts';
import { newUser, startTestServer } from '../support/testServer.ts';

const page = readFileSync(path.join(repositoryRoot, 'docs', 'audit.md'), 'utf8');
const script = /<!-- independent-verifier:start -->\n```js\n([\s\S]*?)```/.exec(page)![1]!;

t.test('a served and erased log verifies with the auditor tools, from the store and from an export', async (t) => {
  const server = await startTestServer({ AUDIT_CHECKPOINT_EVENTS: '10' });
  t.teardown(() => server.close());
  const manager = await clientToken(server, 'acme-bank', ['users:write', 'users:read', 'accounts:manage']);
  const erased = await signUpAndLogIn(server, newUser(), { token: manager });
  await signUpAndLogIn(server, newUser(), { token: manager });
  const erasure = await server.call('POST', `/v1/admin/users/${erased.userId}/erase-personal-data`, {
    token: manager,
  });
  t.equal(erasure.status, 200, 'one user is erased');
  await server.running.close();

  const operator = { DATA_DIR: server.dataDir };
  const publicKey = await runAudit(['public-key'], operator);
  t.equal(publicKey.status, 0, publicKey.stderr);
  const keyFile = path.join(server.dataDir, 'given-to-the-auditor.json');
  writeFileSync(keyFile, publicKey.stdout);

  const store = await runAudit(['verify', '--public-key', keyFile], operator);
  t.equal(store.status, 0, store.stdout + store.stderr);
  t.match(store.stdout, /^verified \d+ events up to position \d+; \d+ checkpoints, the last at \d+ signed /);
  t.match(store.stdout, 'unsigned tail of 1 event', 'the clean stop signed all but its own checkpoint');

  const exportFile = path.join(server.dataDir, 'events.jsonl');
  const exported = await runAudit(['export', '--out', exportFile], operator);
  t.equal(exported.status, 0, exported.stderr);
  t.match(readFileSync(exportFile, 'utf8'), '"type":"PersonalDataErased"', 'the erasure is in the export');

  const offline = await runAudit(['verify', '--file', exportFile, '--public-key', keyFile], operator);
  t.equal(offline.status, 0, offline.stdout);
  t.equal(offline.stdout.split('\n')[0], store.stdout.split('\n')[0], 'the export verifies as the store does');

  const scriptFile = path.join(server.dataDir, 'verify-export.mjs');
  writeFileSync(scriptFile, script);
  const independent = await promisify(execFile)(process.execPath, [scriptFile, exportFile, keyFile]);
  t.match(independent.stdout, /^OK: \d+ events; last checkpoint at \d+ signed .*; unsigned tail: 1$/m);
});
