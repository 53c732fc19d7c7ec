/**
 * The README's walkthrough, read from the README itself, run twice in a row
 * with bash against a real embedded server started with the client its first
 * block names: both runs get every answer the README promises. A line whose
 * comment is a value (`… | jq .errorCode   # 3200`) must print that value.
 */
import t from 'tap';
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { repositoryRoot } from '../support/processes.ts';
import { startTestServer } from '../support/testServer.ts';

const readme = readFileSync(path.join(repositoryRoot, 'README.md'), 'utf8');
const sectionStart = readme.indexOf('## Walkthrough');
const section = readme.slice(sectionStart, readme.indexOf('\n## ', sectionStart + 1));
const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!);
const serverBlock = blocks.find((block) => /\bnpm start\b/.test(block));
const scripts = blocks.filter((block) => block !== serverBlock);

/** Expected values, as `# <number>` or `# "<text>"` after a command on its own line. */
const EXPECTATION = /^(?<command>\S.*?)\s+#\s+(?<expected>\d+|"[^"]*")\s*$/;

/**
 * The script with each line that states its output wrapped so the output is
 * reported, tagged, for the test to compare; everything else as written.
 */
function instrumented(script: string): { text: string; expectations: string[] } {
  const expectations: string[] = [];
  const lines = script.split('\n').map((line, index, all) => {
    const match = EXPECTATION.exec(line);
    if (!match?.groups || all[index - 1]?.endsWith('\\')) return line;
    expectations.push(match.groups.expected!);
    return `printf '::expect::%s::%s\\n' ${expectations.length - 1} "$(${match.groups.command})"`;
  });
  return { text: lines.join('\n'), expectations };
}

const missing = ['bash', 'curl', 'jq'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
if (missing.length > 0 && process.env.CI === 'true') {
  t.fail(
    `the README walkthrough must run in CI, but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing`,
  );
} else if (missing.length > 0) {
  t.test(
    'the README walkthrough runs twice in a row',
    { skip: `it needs ${missing.join(', ')}, missing on this machine` },
    async () => {},
  );
} else {
  t.test(
    'the README walkthrough runs twice in a row, every promised answer each time',
    { timeout: 240_000 },
    async (t) => {
      t.ok(serverBlock, 'the README says how to start the server for the walkthrough');
      t.ok(scripts.length > 0, 'and gives the walkthrough itself');
      // DEV_CLIENT_ID=… DEV_CLIENT_SECRET=… npm start: the server gets the same settings.
      const settings = Object.fromEntries(
        [...(serverBlock ?? '').matchAll(/\b([A-Z][A-Z0-9_]*)=(\S+)/g)].map((match) => [match[1]!, match[2]!]),
      );
      // The limits and SMS budget as a newcomer's server has them, not the test server's relaxed ones.
      const defaults = {
        SMS_BUDGET_PER_WINDOW: '',
        SMS_BUDGET_PER_DAY: '',
        RATE_LIMIT_PER_IP: '',
        RATE_LIMIT_SENSITIVE_PER_IP: '',
        RATE_LIMIT_PER_IDENTIFIER: '',
      };
      const server = await startTestServer({ ...defaults, ...settings });
      t.teardown(() => server.close());
      const { text, expectations } = instrumented(scripts.join('\n'));
      t.ok(expectations.length >= 4, `the walkthrough states ${expectations.length} answers to check`);
      const env = { ...process.env, API: server.url, OUTBOX: path.join(server.dataDir, 'sms-outbox.jsonl') };

      for (const run of [1, 2]) {
        const { stdout, stderr } = await promisify(execFile)('bash', ['-c', `${text}\necho ::done::`], {
          cwd: server.dataDir,
          env,
          maxBuffer: 16 * 1024 * 1024,
        });
        t.match(stdout, /::done::/, `run ${run} went to the end`);
        t.equal(stderr, '', `run ${run}: nothing on stderr (every answer was JSON)`);
        t.notMatch(stdout, /"success": false/, `run ${run}: every answer shown in full is a success`);
        const got = new Map(
          [...stdout.matchAll(/^::expect::(\d+)::(.*)$/gm)].map((match) => [Number(match[1]), match[2]]),
        );
        expectations.forEach((expected, index) =>
          t.equal(got.get(index), expected, `run ${run}: answer ${index + 1} is ${expected}`),
        );
      }
    },
  );
}
