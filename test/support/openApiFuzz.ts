/**
 * Fuzzing the HTTP API from its OpenAPI document: for each operation,
 * requests that mix valid-shaped and broken parameters, bodies, content
 * types, paths and credentials, and a check of every answer against what the
 * document and the error catalogue promise.
 */
import fc from 'fast-check';
import { problemsWith, type FuzzRequest, type FuzzResponse } from './documentedAnswers.ts';
import { bodyLimitOf, type Operation } from './openApiDocument.ts';
import { fuzzValue, nastyString, PROTOTYPE_KEYS, type Hints } from './schemaArbitrary.ts';

export interface FuzzContext {
  url: string;
  clientToken: string;
  /** A user token for each operation that needs one, so logging out in one place leaves the others signed in. */
  userTokens: Record<string, string>;
  hints: Hints;
  bodyLimitBytes: number;
}

const headerValue = fc.string({
  unit: fc
    .integer({ min: 0x20, max: 0xff })
    .filter((code) => code !== 0x7f)
    .map((code) => String.fromCharCode(code)),
  maxLength: 80,
});

/** A token whose signature no longer matches, and tokens signed with nothing or a guessable secret. */
function badTokens(token: string): string[] {
  const [header = '', payload = '', signature = ''] = token.split('.');
  return [
    `${header}.${payload}.${signature.slice(0, -2)}AA`,
    `${header}.${payload}.`,
    `${header}.${payload}`,
    'eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJ0b2tlbl91c2UiOiJjbGllbnQiLCJzY29wZSI6InVzZXJzOndyaXRlIn0.',
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl91c2UiOiJ1c2VyIiwic3ViIjoieCJ9.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
  ];
}

function authorization(operation: Operation, context: FuzzContext): fc.Arbitrary<string | undefined> {
  const userToken = context.userTokens[operation.id] ?? Object.values(context.userTokens)[0] ?? '';
  const right = operation.security === 'user' ? userToken : context.clientToken;
  return fc.oneof(
    { weight: operation.security === 'none' ? 1 : 10, arbitrary: fc.constant(`Bearer ${right}`) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        `Bearer ${context.clientToken}`,
        `Bearer ${userToken}`,
        ...badTokens(right).map((token) => `Bearer ${token}`),
      ),
    },
    {
      weight: 1,
      arbitrary: fc.oneof(
        headerValue,
        headerValue.map((value) => `Bearer ${value}`),
        fc.constantFrom('Bearer', 'Basic', `Basic ${Buffer.from('a:b').toString('base64')}`, `bearer ${right}`),
      ),
    },
  );
}

function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    // A lone surrogate cannot be percent-encoded as UTF-8; send its code unit the way a broken client would.
    return [...value]
      .map((char) => (/[\uD800-\uDFFF]/.test(char) ? `%${char.charCodeAt(0).toString(16)}` : encodeURIComponent(char)))
      .join('');
  }
}

function queryString(values: unknown): string {
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return encode(JSON.stringify(values));
  return Object.entries(values)
    .flatMap(([key, value]) =>
      (Array.isArray(value) ? value : [value]).map(
        (item) => `${encode(key)}=${encode(typeof item === 'string' ? item : (JSON.stringify(item) ?? ''))}`,
      ),
    )
    .join('&');
}

const rawQueries = fc.oneof(
  fc.constantFrom(
    'email',
    'email=',
    '=x',
    '&&&',
    'email=%E0%A4%A',
    'email=%',
    'email=a%00b%40example.com',
    'email=a%0d%0a%7B%22level%22%3A30%7D%40example.com',
    'email[]=a@example.com',
    'email[a]=b',
    '__proto__[admin]=1',
    'constructor[prototype][admin]=1',
    'email=a@example.com&email=b@example.com',
  ),
  // Past Node's 16 KiB limit on the request line and headers.
  fc.integer({ min: 2000, max: 40_000 }).map((length) => `email=${'a'.repeat(length)}`),
  fc
    .integer({ min: 100, max: 3000 })
    .map((count) => Array.from({ length: count }, (_, index) => `p${index}=${index}`).join('&')),
);

function target(operation: Operation, context: FuzzContext): fc.Arbitrary<string> {
  const query: fc.Arbitrary<string> = operation.query
    ? fc.oneof(
        { weight: 8, arbitrary: fuzzValue(operation.query, context.hints).map(queryString) },
        { weight: 1, arbitrary: rawQueries },
      )
    : fc.oneof({ weight: 8, arbitrary: fc.constant('') }, { weight: 1, arbitrary: rawQueries });
  const path = fc.oneof(
    { weight: 24, arbitrary: fc.constant(operation.path) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        `${operation.path}/`,
        operation.path.toUpperCase(),
        `${operation.path}%00`,
        `${operation.path}/%E0%A4%A`,
        `${operation.path}/..%2f..%2f`,
      ),
    },
    { weight: 1, arbitrary: nastyString.map((segment) => `${operation.path}/${encode(segment)}`) },
  );
  return fc.tuple(path, query).map(([base, search]) => (search ? `${base}?${search}` : base));
}

interface Body {
  contentType?: string;
  text: string;
}

const malformedJson = fc.constantFrom(
  '{',
  '{"username": "a@',
  '{"a":1,}',
  "{'a':1}",
  '[1,2',
  'nul',
  '{"a":1}{"a":2}',
  '{"__proto__": {"admin": true}}',
  '{"constructor": {"prototype": {"admin": true}}}',
  '\u0000',
  '\uFEFF{}',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '1'.repeat(400),
  '"just a string"',
  '{"a":1e99999}',
);

const foreignContentTypes = fc.constantFrom(
  'text/plain',
  'application/xml',
  'text/html',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/json; charset=utf-16',
  'application/jsonx',
  'application/x-www-form-urlencoded',
  'application/json, text/plain',
  'application',
  '*/*',
  'application/merge-patch+json',
);

function serialise(contentType: string, value: unknown): string {
  if (!contentType.startsWith('application/x-www-form-urlencoded')) return JSON.stringify(value) ?? '';
  return queryString(value);
}

function body(operation: Operation, context: FuzzContext): fc.Arbitrary<Body | undefined> {
  const declared = Object.entries(operation.body ?? {});
  if (declared.length === 0) {
    return fc.oneof(
      { weight: 8, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.record({ contentType: fc.constant('application/json'), text: malformedJson }) },
    );
  }
  const shaped = fc
    .constantFrom(...declared)
    .chain(([contentType, schema]) =>
      fuzzValue(schema, context.hints).map((value): Body => ({ contentType, text: serialise(contentType, value) })),
    );
  const [firstType = 'application/json'] = declared.map(([contentType]) => contentType);
  return fc.oneof(
    { weight: 12, arbitrary: shaped },
    { weight: 2, arbitrary: malformedJson.map((text): Body => ({ contentType: firstType, text })) },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: bodyLimitOf(operation.id, context.bodyLimitBytes) + 1, max: context.bodyLimitBytes * 3 })
        .map((size): Body => ({ contentType: firstType, text: serialise(firstType, { password: 'x'.repeat(size) }) })),
    },
    { weight: 1, arbitrary: fc.constantFrom<Body>({ contentType: firstType, text: '' }, { text: '{}' }, { text: '' }) },
    {
      weight: 2,
      arbitrary: fc.tuple(foreignContentTypes, shaped).map(([contentType, { text }]): Body => ({ contentType, text })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom(...PROTOTYPE_KEYS), shaped).map(([key, { contentType, text }]): Body => ({
        contentType,
        text: text.startsWith('{') && text.length > 2 ? `{"${key}":{"admin":true},${text.slice(1)}` : text,
      })),
    },
  );
}

/** Requests for one operation: its own method and path mostly, other methods and paths now and then. */
export function requestArbitrary(operation: Operation, context: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const otherMethods = [
    'GET',
    'POST',
    'PUT',
    'DELETE',
    'PATCH',
    'OPTIONS',
    ...(operation.method === 'GET' ? ['HEAD'] : []),
  ].filter((method) => method !== operation.method);
  const method = fc.oneof(
    { weight: 20, arbitrary: fc.constant(operation.method) },
    { weight: 1, arbitrary: fc.constantFrom(...otherMethods) },
  );
  const extraHeaders = fc.record(
    {
      'x-correlation-id': fc.oneof(
        headerValue,
        fc.constantFrom('partner-req-12345678', 'a'.repeat(65), '{"level":30}', '%0d%0a'),
      ),
      accept: fc.constantFrom('application/json', 'text/html', '*/*', 'application/xml', ''),
      'accept-language': headerValue,
    },
    { requiredKeys: [] },
  );
  return fc
    .record({
      method,
      target: target(operation, context),
      auth: authorization(operation, context),
      body: body(operation, context),
      extraHeaders,
    })
    .map(({ method: verb, target: url, auth, body: content, extraHeaders: extra }) => {
      const headers: Record<string, string> = { ...extra };
      if (auth !== undefined) headers.authorization = auth;
      if (content?.contentType !== undefined) headers['content-type'] = content.contentType;
      // fetch cannot send a body with GET or HEAD.
      const sendsBody = content !== undefined && verb !== 'GET' && verb !== 'HEAD';
      return { method: verb, target: url, headers, ...(sendsBody ? { body: content.text } : {}) };
    });
}

/** Sends one request; an answer that does not come within the time limit is answered here as a 599, a failure. */
export async function send(url: string, request: FuzzRequest, timeoutMs = 10_000): Promise<FuzzResponse> {
  try {
    const response = await fetch(`${url}${request.target}`, {
      method: request.method,
      headers: request.headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      text: await response.text(),
    };
  } catch (error) {
    return { status: 599, contentType: '', text: `no answer: ${(error as Error).name} ${(error as Error).message}` };
  }
}

export interface FuzzOutcome {
  /** Answers by status, to show what the cases reached. */
  statuses: Record<string, number>;
}

/** Runs `numRuns` generated requests against one operation; throws with the first bad answer, shrunk. */
export async function fuzzOperation(operation: Operation, context: FuzzContext, numRuns: number): Promise<FuzzOutcome> {
  const statuses: Record<string, number> = {};
  await fc.assert(
    fc.asyncProperty(requestArbitrary(operation, context), async (request) => {
      const response = await send(context.url, request);
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      const limit = bodyLimitOf(operation.id, context.bodyLimitBytes);
      const problems = problemsWith(operation, request, response, limit);
      if (problems.length > 0) {
        const shown = {
          ...request,
          target: request.target.slice(0, 300),
          body: request.body?.slice(0, 300),
          headers: {
            ...request.headers,
            ...(request.headers.authorization ? { authorization: '[a credential]' } : {}),
          },
        };
        throw new Error(
          `${problems.join('; ')}\nrequest: ${JSON.stringify(shown)}\nanswer: ${response.status} ${response.text.slice(0, 300)}`,
        );
      }
    }),
    { numRuns },
  );
  return { statuses };
}
