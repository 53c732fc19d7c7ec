/**
 * Every operation of the OpenAPI document under fuzz: 1,000 generated
 * requests each, mixing valid-shaped and broken parameters, bodies, content
 * types, paths and credentials. No answer is a 5xx, every error is the body
 * the document declares (the envelope with a catalogued code, or OAuth's own
 * on /oauth/token), a body over the limit is a 413, and no input puts a line
 * into the log that the logger did not write.
 */
import t from 'tap';
import fc from 'fast-check';
import { problemsWith } from '../support/documentedAnswers.ts';
import { fuzzContext, logLineProblems } from '../support/fuzzFixture.ts';
import { bodyLimitOf, operationsOf } from '../support/openApiDocument.ts';
import { fuzzOperation, send, type FuzzContext } from '../support/openApiFuzz.ts';
import { FORGED_LINE } from '../support/schemaArbitrary.ts';
import { startTestServer, type TestServer } from '../support/testServer.ts';

// 21,000 requests take about a minute alone; beside the Schemathesis run on two cores, twice that.
t.setTimeout(5 * 60_000);

const RUNS = 1000;
const operations = operationsOf();

let server: TestServer;
let context: FuzzContext;
t.before(async () => {
  server = await startTestServer();
  context = await fuzzContext(server);
});
t.teardown(() => server.close());

t.test('the document lists the operations the gateway serves', async (t) => {
  t.ok(operations.length >= 13, `${operations.length} operations`);
  t.ok(
    operations.some((operation) => operation.security === 'user'),
    'some need a user token',
  );
  t.ok(
    operations.some((operation) => operation.query),
    'some take a query',
  );
});

t.test(
  `${RUNS} generated requests per operation: no 5xx, only declared error bodies with catalogued codes, 413 past the body limit`,
  { jobs: 4 },
  async (t) => {
    for (const operation of operations) {
      t.test(operation.id, async (t) => {
        const started = Date.now();
        const { statuses } = await fuzzOperation(operation, context, RUNS);
        t.comment(`${operation.id} in ${Date.now() - started} ms: ${JSON.stringify(statuses)}`);
        t.pass(`${RUNS} requests answered as documented`);
      });
    }
  },
);

t.test('a body over the size limit is a 413 with code 1001 on every operation that takes a body', async (t) => {
  for (const operation of operations.filter((candidate) => candidate.body)) {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(operation.body ?? {})),
        fc.integer({
          min: bodyLimitOf(operation.id, context.bodyLimitBytes) + 1,
          max: bodyLimitOf(operation.id, context.bodyLimitBytes) * 4,
        }),
        async (contentType, size) => {
          const request = {
            method: operation.method,
            target: operation.path,
            body: contentType.includes('json')
              ? JSON.stringify({ password: 'x'.repeat(size) })
              : `password=${'x'.repeat(size)}`,
            headers: {
              'content-type': contentType,
              authorization: `Bearer ${operation.security === 'user' ? context.userTokens[operation.id] : context.clientToken}`,
            },
          };
          const answer = await send(context.url, request);
          const problems = problemsWith(operation, request, answer, bodyLimitOf(operation.id, context.bodyLimitBytes));
          if (answer.status !== 413 || problems.length > 0)
            throw new Error(`${answer.status} ${answer.text.slice(0, 200)} ${problems.join('; ')}`);
        },
      ),
      { numRuns: 20 },
    );
    t.pass(`${operation.id}: 413`);
  }
});

t.test('the log check spots a write that is not one line of the logger', async (t) => {
  const line = `${JSON.stringify({ level: 30, time: '2026-01-01T10:00:00.000Z', pid: 1, msg: 'incoming request' })}\n`;
  t.same(logLineProblems([line]), [], 'a line of the logger passes');
  t.ok(logLineProblems([`${line}${FORGED_LINE}\n`]).length > 0, 'a forged line after a line break is caught');
  t.ok(logLineProblems([`${FORGED_LINE}\n`]).length > 0, 'a forged line on its own is caught');
  t.ok(logLineProblems(['partner said hi\r\n']).length > 0, "text that is not the logger's is caught");
});

t.test('no input, CR and LF included, puts a line into the log that the logger did not write', async (t) => {
  // One line per routed request; those refused while parsing (a 431, a broken request line) have none.
  const requestLines = server.logs.filter((line) => line.includes('"msg":"request"')).length;
  t.ok(requestLines > (operations.length * RUNS) / 2, `the fuzzed requests were logged (${requestLines} lines)`);
  t.notOk(
    server.logs.some((line) => /%0D|%0A/i.test(line)),
    'paths and query strings, CR and LF included, stay out of the log',
  );
  t.same(logLineProblems(server.logs), [], 'every line is one JSON object written by the logger');
});
