/**
 * Schemathesis (Python, from PyPI) against a listening Tessera: installs the
 * pinned, hash-checked version into the git-ignored .infra/schemathesis,
 * runs it with the repository's configuration and hooks, and reads back what
 * it found (docs/schemathesis.md, ADR 0022).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { outboxPath } from '@tessera/sms';
import { repositoryRoot } from './processes.ts';

const configDirectory = path.join(repositoryRoot, 'test', 'schemathesis');
const requirementsFile = path.join(configDirectory, 'requirements.txt');
const environmentDirectory = path.join(repositoryRoot, '.infra', 'schemathesis');
const installedMarker = path.join(environmentDirectory, 'installed-requirements.sha256');
const schemathesisBinary = path.join(environmentDirectory, 'bin', 'schemathesis');
const MINIMUM_PYTHON = [3, 11] as const;

/** A python3 able to make the environment, or why there is none. */
export function findPython(): { python: string } | { missing: string } {
  const probe = spawnSync(
    'python3',
    ['-c', `import sys, venv, ensurepip; print(sys.version_info >= (${MINIMUM_PYTHON.join(', ')}))`],
    { encoding: 'utf8' },
  );
  if (probe.error) return { missing: 'python3 is not on the PATH' };
  if (probe.status !== 0)
    return {
      missing: `python3 cannot make a virtual environment (venv and ensurepip are needed): ${probe.stderr.trim().split('\n').pop()}`,
    };
  if (probe.stdout.trim() !== 'True')
    return { missing: `python3 is older than ${MINIMUM_PYTHON.join('.')}, the oldest Schemathesis supports` };
  return { python: 'python3' };
}

function run(command: string, args: string[], what: string): void {
  const result = spawnSync(command, args, { encoding: 'utf8', cwd: repositoryRoot });
  if (result.status !== 0)
    throw new Error(
      `${what} failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stdout}\n${result.stderr}`,
    );
}

/**
 * Makes .infra/schemathesis hold exactly the versions of requirements.txt,
 * once per change of that file. The marker is written last, so an interrupted
 * install is started over rather than used.
 */
export function installSchemathesis(python: string): { installed: boolean } {
  const wanted = createHash('sha256').update(readFileSync(requirementsFile)).digest('hex');
  if (existsSync(installedMarker) && readFileSync(installedMarker, 'utf8').trim() === wanted)
    return { installed: false };
  rmSync(environmentDirectory, { recursive: true, force: true });
  run(python, ['-m', 'venv', environmentDirectory], 'python3 -m venv');
  run(
    path.join(environmentDirectory, 'bin', 'python'),
    [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '--no-input',
      '--require-hashes',
      '--only-binary',
      ':all:',
      '-r',
      requirementsFile,
    ],
    'pip install of test/schemathesis/requirements.txt',
  );
  writeFileSync(installedMarker, `${wanted}\n`);
  return { installed: true };
}

export interface SchemathesisRun {
  exitCode: number | null;
  output: string;
  report: SchemathesisReport;
  findings: Finding[];
}

/** The parts of Schemathesis' JSON report the harness reads. */
export interface SchemathesisReport {
  seed: number;
  running_time: number;
  complete: boolean;
  phases: Record<string, { status: string; skip_reason: string | null }>;
  test_cases: { generated: number; with_failures: number; errored: number };
  failures: Array<{ code: string; title: string; count: number; operations: string[] }>;
  errors: unknown[];
  warnings: Record<string, string[]>;
}

/** One failure or error, as Schemathesis wrote it: what broke, the answer, and curl to reproduce it. */
export interface Finding {
  /** The operation (`POST /v1/user/sign-up`) or `Stateful tests`. */
  where: string;
  kind: 'failure' | 'error';
  /** The first line that names it, such as `ST202 Schema-valid request rejected`. */
  title: string;
  details: string;
}

export interface RunOptions {
  url: string;
  dataDir: string;
  client: { clientId: string; secret: string };
  maxExamples: number;
  reportDirectory: string;
  seed?: number;
  onOutput?: (text: string) => void;
}

/** Runs `schemathesis run` with every check on every phase against `url`; resolves when it exits. */
export async function runSchemathesis(options: RunOptions): Promise<SchemathesisRun> {
  const junitPath = path.join(options.reportDirectory, 'junit.xml');
  const jsonPath = path.join(options.reportDirectory, 'report.json');
  const args = [
    '--config-file',
    path.join(configDirectory, 'schemathesis.toml'),
    '--no-color',
    'run',
    path.join(repositoryRoot, 'contracts', 'generated', 'openapi.json'),
    '--url',
    options.url,
    '--checks',
    'all',
    '--max-examples',
    String(options.maxExamples),
    '--report',
    'junit,json',
    '--report-dir',
    options.reportDirectory,
    '--report-junit-path',
    junitPath,
    '--report-json-path',
    jsonPath,
    ...(options.seed === undefined ? [] : ['--seed', String(options.seed)]),
  ];
  const env = {
    ...process.env,
    SCHEMATHESIS_HOOKS: path.join(configDirectory, 'hooks.py'),
    TESSERA_URL: options.url,
    TESSERA_SMS_OUTBOX: outboxPath(options.dataDir),
    TESSERA_CLIENT_ID: options.client.clientId,
    TESSERA_CLIENT_SECRET: options.client.secret,
    // Hypothesis keeps no example database between runs either (the configuration turns it off).
    HYPOTHESIS_STORAGE_DIRECTORY: path.join(options.reportDirectory, 'hypothesis'),
    PYTHONDONTWRITEBYTECODE: '1',
  };
  // Asynchronous on purpose: the server under test runs in this very process.
  const child = spawn(schemathesisBinary, args, {
    cwd: options.reportDirectory,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    options.onOutput?.(chunk.toString());
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
  if (!existsSync(jsonPath) || !existsSync(junitPath))
    throw new Error(`Schemathesis wrote no report (exit ${exitCode}):\n${output.slice(-4000)}`);
  return {
    exitCode,
    output,
    report: JSON.parse(readFileSync(jsonPath, 'utf8')) as SchemathesisReport,
    findings: findingsOf(readFileSync(junitPath, 'utf8')),
  };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X'))
      return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return ENTITIES[entity] ?? whole;
  });
}

/**
 * Every failure and error of a Schemathesis JUnit report, one per test case:
 * a `<failure>` element lists an operation's failing cases as
 * "1. Test Case ID: …", "2. Test Case ID: …".
 */
export function findingsOf(junit: string): Finding[] {
  const findings: Finding[] = [];
  for (const testcase of junit.matchAll(/<testcase name="([^"]*)"[^>]*?(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const where = decodeXml(testcase[1]!);
    for (const problem of (testcase[2] ?? '').matchAll(/<(failure|error)\b([^>]*?)(?:\/>|>([\s\S]*?)<\/\1>)/g)) {
      const kind = problem[1] as Finding['kind'];
      const text = decodeXml(problem[3] ?? '').trim() || decodeXml(/message="([^"]*)"/.exec(problem[2]!)?.[1] ?? kind);
      for (const details of text
        .split(/^(?=\d+\. Test Case ID: )/m)
        .map((part) => part.trim())
        .filter(Boolean)) {
        const title =
          /^- (.+)$/m.exec(details)?.[1] ??
          details
            .split('\n')
            .find((line) => line.trim() !== '')!
            .trim();
        findings.push({ where, kind, title, details });
      }
    }
  }
  return findings;
}
