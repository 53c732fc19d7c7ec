/**
 * Schemathesis against the embedded default: every check (`--checks all`) on
 * every phase, the stateful one following the document's OpenAPI links, with
 * client and user tokens from the hooks in test/schemathesis/. Each failure or
 * error it reports is a failure here, with the request to reproduce it.
 *
 * Needs python3 (3.11 or later): Schemathesis installs into .infra/schemathesis
 * from test/schemathesis/requirements.txt (exact versions, hash-checked). Without
 * it the file is skipped, with the reason, except in CI (CI=true), where that
 * is a failure. Alone: `npm run fuzz:schemathesis` (docs/schemathesis.md).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { repositoryRoot } from '../support/processes.ts';
import { findingsOf, findPython, installSchemathesis, runSchemathesis } from '../support/schemathesis.ts';
import { registerClient, tokenOf } from '../support/flows.ts';
import { startTestServer } from '../support/testServer.ts';

/** Test cases per operation; 5 to 6 minutes on two cores at this size (docs/schemathesis.md). */
const DEFAULT_MAX_EXAMPLES = 1000;
const maxExamples = positiveInteger('SCHEMATHESIS_MAX_EXAMPLES', DEFAULT_MAX_EXAMPLES);
const seed = process.env.SCHEMATHESIS_SEED === undefined ? undefined : positiveInteger('SCHEMATHESIS_SEED', 0);
const reportDirectory = path.join(repositoryRoot, '.infra', 'schemathesis-report');

/** Whether any response of the document links to a next operation, for the stateful phase to follow. */
function declaresLinks(): boolean {
  const document = JSON.parse(
    readFileSync(path.join(repositoryRoot, 'contracts', 'generated', 'openapi.json'), 'utf8'),
  ) as {
    paths: Record<string, Record<string, { responses?: Record<string, { links?: object }> }>>;
  };
  return Object.values(document.paths).some((operations) =>
    Object.values(operations).some((operation) =>
      Object.values(operation.responses ?? {}).some((response) => Object.keys(response.links ?? {}).length > 0),
    ),
  );
}

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  if (!/^[1-9][0-9]*$/.test(raw)) throw new Error(`${name} must be a positive integer, not "${raw}"`);
  return Number(raw);
}

// The run is long by design (tap's default is 120 s a file): 30 minutes per 1000 cases per
// operation, six times what CI's size takes, so a hung run still fails well inside CI's limit.
t.setTimeout(Math.ceil(maxExamples / 1000) * 30 * 60_000);

t.test('each failure of a Schemathesis report is its own finding, with the request to reproduce it', async (t) => {
  const junit = `<testsuites><testsuite name="schemathesis">
    <testcase name="POST /v1/user/sign-up" time="1"><failure type="failure" message="ST202, ST204">1. Test Case ID: a1

- ST204 Wrong response to undeclared method

Reproduce with:

    curl -X TRACE -d '{"email": "a&amp;b"}' http://127.0.0.1:1/v1/user/sign-up

2. Test Case ID: b2

- ST202 Schema-valid request rejected

    curl -X POST http://127.0.0.1:1/v1/user/sign-up</failure></testcase>
    <testcase name="GET /health/live" time="1"/>
    <testcase name="Stateful tests" time="1"><error type="error" message="boom">Connection refused</error></testcase>
  </testsuite></testsuites>`;
  const findings = findingsOf(junit);
  t.same(
    findings.map(({ where, kind, title }) => ({ where, kind, title })),
    [
      { where: 'POST /v1/user/sign-up', kind: 'failure', title: 'ST204 Wrong response to undeclared method' },
      { where: 'POST /v1/user/sign-up', kind: 'failure', title: 'ST202 Schema-valid request rejected' },
      { where: 'Stateful tests', kind: 'error', title: 'Connection refused' },
    ],
  );
  t.match(findings[0]!.details, `-d '{"email": "a&b"}'`, 'the reproduction reads as curl takes it');
});

const title = `Schemathesis, all checks, ${maxExamples} cases per operation: no failure and no error`;
const python = findPython();
if ('missing' in python) {
  const reason = `Schemathesis needs python3 3.11+ with venv: ${python.missing}`;
  if (process.env.CI === 'true') t.fail(reason);
  else t.test(title, { skip: `${reason} (a failure in CI)` }, () => {});
} else {
  t.test(title, async (t) => {
    const started = Date.now();
    if (installSchemathesis(python.python).installed)
      t.comment(`installed Schemathesis into .infra/schemathesis in ${Math.round((Date.now() - started) / 1000)} s`);

    rmSync(reportDirectory, { recursive: true, force: true });
    mkdirSync(reportDirectory, { recursive: true });
    const server = await startTestServer();
    t.teardown(() => server.close());
    // Every scope, so the privileged operations are fuzzed past the scope check (the scopes have their own suites).
    const client = await registerClient(server, 'schemathesis', ['users:write', 'users:read', 'accounts:manage']);
    await tokenOf(server, client);
    const fuzzingStarted = Date.now();
    const run = await runSchemathesis({
      url: server.url,
      dataDir: server.dataDir,
      client,
      maxExamples,
      seed,
      reportDirectory,
    });
    writeFileSync(path.join(reportDirectory, 'output.txt'), run.output);
    const { report } = run;
    t.comment(
      `seed ${report.seed}, ${report.test_cases.generated} test cases in ${Math.round((Date.now() - fuzzingStarted) / 1000)} s; ` +
        `phases: ${Object.entries(report.phases)
          .map(([phase, { status }]) => `${phase} ${status}`)
          .join(', ')}; reports in ${path.relative(repositoryRoot, reportDirectory)}`,
    );
    for (const [warning, operations] of Object.entries(report.warnings)) {
      if (operations.length > 0) t.comment(`warning ${warning}: ${operations.join(', ')}`);
    }

    for (const finding of run.findings) {
      t.fail(`${finding.where}: ${finding.title}`, { found: finding.details });
    }
    t.equal(run.findings.length, 0, 'no failure in the JUnit report');
    t.equal(
      report.failures.length,
      0,
      `no failure in the run report${report.failures.length > 0 ? `: ${report.failures.map((failure) => `${failure.code} ×${failure.count}`).join(', ')}` : ''}`,
    );
    t.equal(report.errors.length, 0, 'no error in the run report');
    t.ok(report.complete, 'the run completed');
    // Its output matters when it failed without a finding to show (a crash, a hook that broke).
    t.equal(
      run.exitCode,
      0,
      'Schemathesis exits with 0',
      run.findings.length === 0 ? { output: run.output.slice(-3000) } : {},
    );

    if (declaresLinks()) {
      t.not(report.phases.stateful?.status, 'skip', "the stateful phase followed the document's links");
    } else {
      t.comment('the document declares no OpenAPI links yet: the stateful phase had nothing to follow');
    }
  });
}
