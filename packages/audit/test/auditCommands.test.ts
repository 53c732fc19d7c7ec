/**
 * What an auditor sees of the commands themselves: the key trusted and why,
 * the public key to hand out, a report for scripts, and exit status 2 with
 * the usage for anything mistyped.
 */
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateAuditKey, publicPartOf } from '@tessera/event-store';
import { runAudit } from './fixtures/runAudit.ts';
import { freshLog } from './fixtures/verifyAsAuditor.ts';

t.test('without --public-key, verify trusts the audit key file and says an auditor should pass theirs', async (t) => {
  const log = await freshLog(t);
  const run = await runAudit(['verify'], { DATA_DIR: log.dataDir });
  t.equal(run.status, 0, run.stderr);
  t.match(
    run.stdout,
    `trusted: ${log.auditKey.keyId}, the key in the audit key file ${path.join(log.dataDir, 'audit-key.json')}`,
  );
  t.match(run.stdout, 'an auditor should pass the public key they were given with --public-key');
});

t.test('public-key prints the key auditors are given, never its private half', async (t) => {
  const log = await freshLog(t);
  const run = await runAudit(['public-key'], { DATA_DIR: log.dataDir });
  t.equal(run.status, 0, run.stderr);
  t.same(JSON.parse(run.stdout), publicPartOf(log.auditKey));
  t.notMatch(run.stdout, '"d"', 'never the private half');
});

t.test('checkpoints signed by a key other than the one passed are a break at the first checkpoint', async (t) => {
  const log = await freshLog(t);
  const other = JSON.stringify(publicPartOf(generateAuditKey()));
  const run = await runAudit(['verify', '--public-key', other], { DATA_DIR: log.dataDir });
  t.equal(run.status, 1);
  t.match(
    run.stdout,
    `BREAK at position ${log.checkpoints[0]!.eventPosition} (stream audit-log, revision 0): bad-signature: `,
  );
  t.match(run.stdout, `signed by key ${log.auditKey.keyId}, not a trusted one`);
});

t.test('--format json gives scripts the result, the counts and the break', async (t) => {
  const log = await freshLog(t);
  const run = await runAudit(['verify', '--format', 'json', '--public-key', log.publicKey], { DATA_DIR: log.dataDir });
  t.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout) as Record<string, unknown>;
  t.match(report, {
    result: 'verified',
    events: 18,
    lastPosition: 18,
    checkpoints: 3,
    unsignedTail: log.unsignedTail,
    lastCheckpoint: { position: log.checkpoints.at(-1)!.position, logHash: log.checkpoints.at(-1)!.logHash },
    trust: { keyIds: [log.auditKey.keyId], from: 'argument' },
    break: null,
  });
});

t.test('bad usage and configuration exit 2 with a message', async (t) => {
  const empty = mkdtempSync(path.join(tmpdir(), 'tessera-audit-empty-'));
  t.teardown(() => rmSync(empty, { recursive: true, force: true }));
  const none = await runAudit([], { DATA_DIR: empty });
  t.equal(none.status, 2);
  t.match(none.stderr, 'usage: npm run audit -- <subcommand>');
  for (const name of ['verify', 'export', 'public-key']) t.match(none.stderr, `\n  ${name}`, `the usage lists ${name}`);

  const cases: [string[], string][] = [
    [['frobnicate'], 'no subcommand frobnicate'],
    [['verify', '--from', 'yesterday'], '--from is a position'],
    [['verify', '--expect-checkpoint', '12'], '--expect-checkpoint is POS:LOGHASH'],
    [['verify', '--public-key', '{"kty":"RSA"}'], 'not an Ed25519 public key'],
    [
      ['verify', '--public-key', '{"kty":"OKP","crv":"Ed25519","x":"abc"}'],
      `no event store at ${path.join(empty, 'events.sqlite')}`,
    ],
    [['verify'], `no audit key at ${path.join(empty, 'audit-key.json')}`],
    [['export'], 'export needs --out FILE'],
  ];
  for (const [args, message] of cases) {
    const run = await runAudit(args, { DATA_DIR: empty });
    t.equal(run.status, 2, `${args.join(' ')} exits 2`);
    t.match(run.stderr, message, `and says ${message}`);
    t.notMatch(run.stderr, /\n\s+at /, 'with no stack trace');
  }
});
