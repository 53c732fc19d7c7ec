/**
 * What the OpenAPI document promises a partner beyond the lint: examples for
 * every body, parameter and answer (Try-it-out starts from them), the
 * Idempotency-Key and X-Correlation-Id headers where the gateway reads them,
 * and links a stateful fuzzer can follow, each naming fields that exist.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';

interface Schema {
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  allOf?: Schema[];
  $ref?: string;
}
interface Media {
  schema: Schema;
  example?: unknown;
  examples?: unknown;
}
interface Link {
  operationId: string;
  parameters?: Record<string, string>;
  requestBody?: Record<string, string>;
}
interface Operation {
  operationId: string;
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string; example?: unknown }>;
  requestBody?: { content: Record<string, Media> };
  responses: Record<
    string,
    { content?: Record<string, Media>; headers?: Record<string, unknown>; links?: Record<string, Link> }
  >;
}

const document = JSON.parse(readFileSync('contracts/generated/openapi.json', 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};
const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({ id: `${method.toUpperCase()} ${path}`, method, operation })),
);
const byId = new Map(operations.map((entry) => [entry.operation.operationId, entry.operation]));

/** The schema a JSON pointer names inside `schema`, or undefined when no such field is declared. */
function at(schema: Schema | undefined, pointer: string): Schema | undefined {
  return pointer
    .split('/')
    .filter(Boolean)
    .reduce<Schema | undefined>((node, key) => {
      const current = node?.$ref ? document.components.schemas[node.$ref.split('/').pop() ?? ''] : node;
      if (current?.anyOf) return current.anyOf.map((option) => at(option, key)).find(Boolean);
      return /^\d+$/.test(key) ? current?.items : current?.properties?.[key];
    }, schema);
}

/** Whether a runtime expression names something the source operation has. */
/** Whether a link's expression names a field of the request, or of the answer (of `status`) the link hangs on. */
function resolves(expression: string, source: Operation, status = '200'): boolean {
  const body = /^\$(request|response)\.body#(\/.*)$/.exec(expression);
  if (body) {
    const schema =
      body[1] === 'request'
        ? source.requestBody?.content['application/json']?.schema
        : source.responses[status]?.content?.['application/json']?.schema;
    return at(schema, body[2] ?? '') !== undefined;
  }
  const parameter = /^\$request\.(query|path|header)\.(.+)$/.exec(expression);
  if (parameter)
    return (source.parameters ?? []).some(
      (candidate) => candidate.in === parameter[1] && candidate.name === parameter[2],
    );
  return !expression.startsWith('$');
}

t.test('every body, parameter and answer has an example', async (t) => {
  const missing: string[] = [];
  for (const { id, operation } of operations) {
    for (const [type, media] of Object.entries(operation.requestBody?.content ?? {}))
      if (media.example === undefined && media.examples === undefined) missing.push(`${id} body ${type}`);
    for (const parameter of operation.parameters ?? [])
      if (parameter.example === undefined) missing.push(`${id} ${parameter.in} ${parameter.name}`);
    for (const [status, response] of Object.entries(operation.responses)) {
      for (const [type, media] of Object.entries(response.content ?? {}))
        if (media.example === undefined && media.examples === undefined) missing.push(`${id} ${status} ${type}`);
    }
  }
  t.same(missing, []);
});

t.test(
  'writes with a token take Idempotency-Key; every operation takes and answers X-Correlation-Id; every 429 says when to retry',
  async (t) => {
    for (const { id, method, operation } of operations) {
      const headers = (operation.parameters ?? [])
        .filter((parameter) => parameter.in === 'header')
        .map((parameter) => parameter.name);
      const withToken = (operation.security ?? []).some((requirement) => Object.keys(requirement).length > 0);
      if ((method === 'post' || method === 'put') && withToken)
        t.ok(headers.includes('idempotency-key'), `${id} declares Idempotency-Key`);
      t.ok(headers.includes('x-correlation-id'), `${id} declares X-Correlation-Id`);
      t.ok(
        Object.values(operation.responses).every((response) => response.headers?.['X-Correlation-Id']),
        `${id}: every answer carries X-Correlation-Id`,
      );
      if (operation.responses['429'])
        t.ok(operation.responses['429'].headers?.['Retry-After'], `${id}: 429 declares Retry-After`);
    }
  },
);

t.test('links follow the flows, and every field they take or fill exists', async (t) => {
  const edges: string[] = [];
  for (const { id, operation } of operations) {
    for (const [status, response] of Object.entries(operation.responses)) {
      for (const [name, link] of Object.entries(response.links ?? {})) {
        const target = byId.get(link.operationId);
        t.ok(target, `${id} ${status} ${name}: ${link.operationId} exists`);
        edges.push(`${operation.operationId} -> ${link.operationId}`);
        for (const [field, expression] of Object.entries(link.requestBody ?? {})) {
          t.ok(
            at(
              target?.requestBody?.content['application/json']?.schema ??
                target?.requestBody?.content['application/x-www-form-urlencoded']?.schema,
              `/${field}`,
            ),
            `${name}: ${link.operationId} takes ${field}`,
          );
          t.ok(
            resolves(expression, operation, status),
            `${name}: ${expression} names a field of ${operation.operationId}`,
          );
        }
        for (const [parameter, expression] of Object.entries(link.parameters ?? {})) {
          t.ok(
            (target?.parameters ?? []).some((candidate) => candidate.name === parameter),
            `${name}: ${link.operationId} takes ${parameter}`,
          );
          t.ok(
            resolves(expression, operation, status),
            `${name}: ${expression} names a field of ${operation.operationId}`,
          );
        }
      }
    }
  }
  for (const edge of [
    'signUp -> login',
    'login -> verifyOtp',
    'verifyOtp -> refreshSession',
    'login -> resendOtp',
    'forgetPassword -> changePassword',
    'changePassword -> verifyOtp',
    'signUp -> openAccount',
    'openAccount -> getAccount',
    'createPortfolio -> getPortfolio',
    'openAccount -> createPortfolio',
  ]) {
    t.ok(edges.includes(edge), edge);
  }
});
