/** The lint boundary holds: domain code cannot reach I/O, frameworks, drivers or adapters. */
import t from 'tap';
import { ESLint } from 'eslint';

const eslint = new ESLint();

async function problemsIn(filePath: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports').length;
}

t.test('domain code that imports node, fastify, a driver or an adapter fails the lint', async (t) => {
  const domainFile = 'services/identity/src/domain/example.ts';
  for (const source of [
    'node:fs',
    'fastify',
    'better-sqlite3',
    'kafkajs',
    '@tessera/event-store',
    '../adapters/fileCheckpointStore.ts',
  ]) {
    t.equal(
      await problemsIn(domainFile, `import x from '${source}';\nexport const y = x;\n`),
      1,
      `${source} is refused`,
    );
  }
  t.equal(
    await problemsIn(domainFile, "import { streams } from '@tessera/contracts';\nexport const y = streams;\n"),
    0,
    'contracts are allowed',
  );
});

t.test('application code cannot import HTTP or an adapter', async (t) => {
  const applicationFile = 'services/identity/src/application/example.ts';
  t.equal(await problemsIn(applicationFile, "import x from 'fastify';\nexport const y = x;\n"), 1);
  t.equal(
    await problemsIn(applicationFile, "import x from '../adapters/fileCheckpointStore.ts';\nexport const y = x;\n"),
    1,
  );
});
