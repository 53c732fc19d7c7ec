/**
 * The verification script docs/audit.md gives auditors, read from the page
 * itself and run with plain Node.js on an export: a clean export passes,
 * and an export edited in any of the ways that matter fails.
 */
import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { generateAuditKey, publicPartOf } from '@tessera/event-store';
import { runAudit } from './fixtures/runAudit.ts';
import { freshLog } from './fixtures/verifyAsAuditor.ts';

const repositoryRoot = path.resolve(import.meta.dirname, '..', '..', '..');
const page = readFileSync(path.join(repositoryRoot, 'docs', 'audit.md'), 'utf8');
const marked = /<!-- independent-verifier:start -->\n```js\n([\s\S]*?)```\n<!-- independent-verifier:end -->/.exec(
  page,
);

/** Runs the documented script as an auditor would, in a folder of their own; resolves to its exit status and output. */
async function runScript(folder: string, exportLines: string[], publicKey: string) {
  writeFileSync(path.join(folder, 'verify-export.mjs'), marked![1]!);
  writeFileSync(path.join(folder, 'events.jsonl'), `${exportLines.join('\n')}\n`);
  writeFileSync(path.join(folder, 'audit-public-key.json'), publicKey);
  const args = ['verify-export.mjs', 'events.jsonl', 'audit-public-key.json'];
  return promisify(execFile)(process.execPath, args, { cwd: folder }).then(
    ({ stdout }) => ({ status: 0, stdout }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      status: error.code,
      stdout: error.stdout + error.stderr,
    }),
  );
}

t.test('docs/audit.md gives the script between its markers, using nothing but node:crypto and node:fs', async (t) => {
  t.ok(marked, 'the script is marked');
  const imports = [...marked![1]!.matchAll(/from '([^']+)'/g)].map((match) => match[1]);
  t.same(imports, ['node:crypto', 'node:fs']);
  t.ok(marked![1]!.split('\n').length <= 70, 'and is short enough to read through');
});

t.test('the documented script passes a clean export and fails a tampered one', async (t) => {
  const log = await freshLog(t);
  const folder = mkdtempSync(path.join(tmpdir(), 'tessera-auditor-'));
  t.teardown(() => rmSync(folder, { recursive: true, force: true }));
  const file = path.join(folder, 'exported.jsonl');
  const exported = await runAudit(['export', '--out', file], { DATA_DIR: log.dataDir });
  t.equal(exported.status, 0, exported.stderr);
  const lines = readFileSync(file, 'utf8').trim().split('\n');

  const clean = await runScript(folder, lines, log.publicKey);
  t.equal(clean.status, 0, clean.stdout);
  const last = log.checkpoints.at(-1)!;
  t.match(clean.stdout, `OK: 18 events; last checkpoint at ${last.position} signed `);
  t.match(clean.stdout, `unsigned tail: ${log.unsignedTail}`);

  const at = (position: number) => position - 1;
  const edits: [string, string[], string][] = [
    [
      'a changed byte',
      lines.map((line, index) =>
        index === at(log.at.aLoginFailed!) ? line.replace('"consecutiveFailures":1', '"consecutiveFailures":3') : line,
      ),
      `BREAK at position ${log.at.aLoginFailed} (stream user-${log.users.a}): its content does not give its hash`,
    ],
    [
      'a removed event',
      lines.filter((_, index) => index !== at(log.at.aOtpIssued!)),
      `BREAK at position ${log.at.aOtpVerified} (stream user-${log.users.a}): revision 2 follows 0`,
    ],
    [
      'two events of different streams swapped',
      lines.map((line, index) =>
        index === at(log.at.cOtpIssued!)
          ? lines[at(log.at.bSessionStarted!)]!
          : index === at(log.at.bSessionStarted!)
            ? lines[at(log.at.cOtpIssued!)]!
            : line,
      ),
      `BREAK at position ${last.eventPosition} (stream audit-log): the log up to position ${last.position} is not the one signed`,
    ],
  ];
  for (const [what, edited, message] of edits) {
    const run = await runScript(folder, edited, log.publicKey);
    t.equal(run.status, 1, `${what}: the script exits 1`);
    t.match(run.stdout, message, `and says where: ${run.stdout.trim()}`);
  }

  const otherKey = JSON.stringify(publicPartOf(generateAuditKey()));
  const forged = await runScript(folder, lines, otherKey);
  t.equal(forged.status, 1, 'checkpoints not signed by the key given fail');
  t.match(
    forged.stdout,
    `BREAK at position ${log.checkpoints[0]!.eventPosition} (stream audit-log): the checkpoint is not signed by the key given`,
  );
});
