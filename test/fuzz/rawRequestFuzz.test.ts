/**
 * What fetch refuses to send, sent as raw bytes for every operation of the
 * document: CR, LF, NUL and other control bytes inside header names and
 * values, the path, the query, the method and the version. Whether Node's
 * parser refuses the request or a route answers it, the answer is under 500
 * and an error comes as the envelope with a catalogued code (or OAuth's own
 * body where /oauth/token answers), and the log holds only lines the logger
 * wrote.
 */
import t from 'tap';
import fc from 'fast-check';
import { ENVELOPE, errorBodyProblems } from '../support/documentedAnswers.ts';
import { fuzzContext, logLineProblems } from '../support/fuzzFixture.ts';
import { operationsOf, type Operation } from '../support/openApiDocument.ts';
import type { FuzzContext } from '../support/openApiFuzz.ts';
import { sendRaw } from '../support/rawHttp.ts';
import { FORGED_LINE } from '../support/schemaArbitrary.ts';
import { startTestServer, type TestServer } from '../support/testServer.ts';

const RUNS = 1000;
const operations = operationsOf();

let server: TestServer;
let context: FuzzContext;
t.before(async () => {
  server = await startTestServer();
  context = await fuzzContext(server);
});
t.teardown(() => server.close());

const breakers = fc.constantFrom(
  '\r',
  '\n',
  '\r\n',
  '\u0000',
  '\r\n ',
  '\n\t',
  '\u0001',
  '\u007f',
  '\u00ff',
  'é',
  '\r\nX-Injected: yes',
  `\n${FORGED_LINE}\n`,
  `\r\n${FORGED_LINE}`,
  `\r\n\r\n${FORGED_LINE}\r\n`,
);
const printable = fc.string({ unit: 'grapheme-ascii', maxLength: 12 });

interface RawCase {
  place: 'header value' | 'header name' | 'path' | 'query' | 'method' | 'version';
  header: string;
  injected: string;
  body: string;
}

const rawCase: fc.Arbitrary<RawCase> = fc.record({
  place: fc.constantFrom<RawCase['place']>('header value', 'header name', 'path', 'query', 'method', 'version'),
  header: fc.constantFrom('x-correlation-id', 'authorization', 'content-type', 'user-agent', 'accept-language'),
  injected: fc.tuple(printable, breakers, printable).map((parts) => parts.join('')),
  body: fc.constantFrom('{}', '{"username":"a@example.com","password":"a long passphrase"}', ''),
});

function rawRequest(operation: Operation, { place, header, injected, body }: RawCase): string {
  const token = operation.security === 'user' ? context.userTokens[operation.id] : context.clientToken;
  const headers: Record<string, string> = {
    host: 'localhost',
    authorization: `Bearer ${token}`,
    'content-type': Object.keys(operation.body ?? {})[0] ?? 'application/json',
  };
  if (place === 'header value') headers[header] = `${headers[header] ?? ''}${injected}`;
  if (place === 'header name') headers[`x-${injected}`] = '1';
  const method = place === 'method' ? `${operation.method}${injected}` : operation.method;
  const target = `${operation.path}${place === 'path' ? injected : ''}${place === 'query' ? `?email=${injected}` : ''}`;
  const version = place === 'version' ? `HTTP/1.1${injected}` : 'HTTP/1.1';
  const content = operation.method === 'GET' ? '' : body;
  const lines = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return `${method} ${target} ${version}\r\n${lines}content-length: ${Buffer.byteLength(content)}\r\nconnection: close\r\n\r\n${content}`;
}

t.test(
  `${RUNS} raw requests per operation with control bytes where fetch puts none: no 5xx, errors in the declared body`,
  async (t) => {
    for (const operation of operations) {
      const statuses: Record<string, number> = {};
      await fc.assert(
        fc.asyncProperty(rawCase, async (generated) => {
          const answer = await sendRaw(context.url, rawRequest(operation, generated));
          statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
          const problems: string[] = [];
          if (answer.status < 100 || answer.status >= 500) problems.push(`status ${answer.status}`);
          if (answer.status >= 400) {
            // Refused by the parser, by the router or by the route: the envelope, or the route's own declared error body.
            const declared =
              operation.responses[String(answer.status)] ?? operation.responses[`${String(answer.status)[0]}XX`];
            const asEnvelope = errorBodyProblems(ENVELOPE, answer.status, answer.body);
            if (
              asEnvelope.length > 0 &&
              (!declared || errorBodyProblems(declared, answer.status, answer.body).length > 0)
            )
              problems.push(...asEnvelope);
          }
          if (problems.length > 0)
            throw new Error(`${problems.join('; ')}\nanswer: ${answer.status} ${answer.body.slice(0, 200)}`);
        }),
        { numRuns: RUNS },
      );
      t.pass(`${operation.id}: ${RUNS} raw requests, answered ${JSON.stringify(statuses)}`);
    }
  },
);

t.test(
  'no control byte in a request line or header puts a line into the log that the logger did not write',
  async (t) => {
    t.ok(server.logs.length > 0, 'requests were logged');
    t.same(logLineProblems(server.logs), [], 'every line is one JSON object written by the logger');
  },
);
