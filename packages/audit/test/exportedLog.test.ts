/**
 * `npm run --silent audit -- export` writes the log with its chain for an
 * auditor, who verifies it offline with `verify --file`; an edited export
 * does not verify.
 */
import t, { type Test } from 'tap';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runAudit } from './fixtures/runAudit.ts';
import { freshLog } from './fixtures/verifyAsAuditor.ts';

/** An auditor's folder, with no event store in it: what they verify is the file alone. */
function auditorFolder(t: Test) {
  const folder = mkdtempSync(path.join(tmpdir(), 'tessera-auditor-'));
  t.teardown(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

t.test('an export of a clean log verifies offline, and an edited one does not', async (t) => {
  const log = await freshLog(t);
  const auditor = auditorFolder(t);
  const file = path.join(auditor, 'events.jsonl');
  const exported = await runAudit(['export', '--out', file], { DATA_DIR: log.dataDir });
  t.equal(exported.status, 0, exported.stderr);
  const last = log.checkpoints.at(-1)!;
  t.match(exported.stderr, `exported 18 events (positions 1–18) to ${file}`);
  t.match(exported.stderr, `last checkpoint: position ${last.position}, log hash ${last.logHash}`);
  t.match(exported.stderr, `unsigned tail: ${log.unsignedTail} events`);
  t.equal(statSync(file).mode & 0o777, 0o600, 'the export is readable by its owner alone');
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  t.equal(lines.length, 18, 'one line per event, checkpoints included');
  t.same(Object.keys(JSON.parse(lines[0]!) as object), [
    'position',
    'streamId',
    'revision',
    'eventId',
    'type',
    'schemaVersion',
    'recordedAt',
    'data',
    'metadata',
    'hash',
    'previousHash',
  ]);

  const offline = { DATA_DIR: auditor };
  const clean = await runAudit(['verify', '--file', file, '--public-key', log.publicKey], offline);
  t.equal(clean.status, 0, clean.stdout + clean.stderr);
  t.match(clean.stdout, 'verified 18 events up to position 18; 3 checkpoints');
  t.match(clean.stdout, `read: the export ${file}`);

  const position = log.at.aSessionStarted!;
  const edited = lines.map((line, index) =>
    index === position - 1 ? line.replace('SessionStarted', 'SessionEnded') : line,
  );
  writeFileSync(file, `${edited.join('\n')}\n`);
  const broken = await runAudit(['verify', '--file', file, '--public-key', log.publicKey], offline);
  t.equal(broken.status, 1);
  t.match(broken.stdout, `BREAK at position ${position} (stream user-${log.users.a}, revision 3): altered: `);
});

t.test('an export from a position starts after the checkpoint before it, and verifies from there', async (t) => {
  const log = await freshLog(t);
  const auditor = auditorFolder(t);
  const file = path.join(auditor, 'recent.jsonl');
  const second = log.checkpoints[1]!;
  const from = second.position + 2;
  const exported = await runAudit(['export', '--out', file, '--from', String(from)], { DATA_DIR: log.dataDir });
  t.equal(exported.status, 0, exported.stderr);
  t.match(exported.stderr, `starts after the checkpoint at position ${second.position}: verify it with --from ${from}`);
  t.equal(readFileSync(file, 'utf8').trim().split('\n').length, 18 - second.position);

  const args = ['verify', '--file', file, '--public-key', log.publicKey];
  const verified = await runAudit([...args, '--from', String(from)], { DATA_DIR: auditor });
  t.equal(verified.status, 0, verified.stdout + verified.stderr);
  t.match(
    verified.stdout,
    `verified ${18 - second.position} events from position ${second.position + 1} up to position 18`,
  );
  t.match(verified.stdout, `started after the checkpoint at position ${second.position} signed `);

  const kept = log.checkpoints[0]!;
  const before = await runAudit(
    [...args, '--from', String(from), '--expect-checkpoint', `${kept.position}:${kept.logHash}`],
    {
      DATA_DIR: auditor,
    },
  );
  t.equal(before.status, 2, 'a kept checkpoint before the start cannot be checked: bad usage');
  t.match(before.stderr, `--expect-checkpoint ${kept.position} lies before the checkpoint --from starts after`);

  const whole = await runAudit(args, { DATA_DIR: auditor });
  t.equal(whole.status, 1, 'read from the start, the partial export lacks what its streams began with');
  t.match(whole.stdout, 'BREAK at position');
});
