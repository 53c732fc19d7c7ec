/**
 * Any request body the OpenAPI document allows fits under the gateway's body
 * limit, so a schema-valid request is never answered 413: every string and
 * array of a request schema is bounded, and the largest body each schema
 * allows, with every character sent as a JSON-escaped astral character
 * (`\ud83d\ude00`, 12 bytes, one code point as JSON Schema counts), is built,
 * measured, and sent to the gateway.
 *
 * A body is measured as its value encoded without insignificant whitespace
 * and without repeated keys: either can pad any JSON document without
 * bound, and neither is part of the value a schema describes.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { defaultGatewayConfig } from '@tessera/gateway';
import { gatewayWithFakeIdentity } from '../services/gateway/test/fakeIdentityGateway.ts';
import { bodyLimitOf } from './support/openApiDocument.ts';

interface Schema {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  maxProperties?: number;
  propertyNames?: { maxLength?: number };
  items?: Schema;
  maxItems?: number;
  maxLength?: number;
  pattern?: string;
}

const ASTRAL = '\u{1F600}';

/** Every character as a JSON escape: 6 bytes for a BMP character, 12 for an astral one. */
function escaped(text: string): string {
  return `"${text
    .split('')
    .map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .join('')}"`;
}

/** A pattern of one character class of printable ASCII, anchored (a token's alphabet): each character is at most 6 bytes escaped. */
function admitsOnlyAscii(pattern: string | undefined): boolean {
  return pattern !== undefined && /^\^\[[\x21-\x5b\x5d-\x7e]+\][+*]\$$/.test(pattern);
}

/** The largest value a schema allows, already encoded; throws where the schema sets no bound. */
function largest(schema: Schema, at: string): string {
  const options = schema.anyOf ?? schema.oneOf;
  if (options)
    return (
      options.map((option, index) => largest(option, `${at}/anyOf/${index}`)).sort((a, b) => b.length - a.length)[0] ??
      'null'
    );
  const literals = schema.enum ?? (schema.const !== undefined ? [schema.const] : undefined);
  if (literals)
    return (
      literals
        .map((value) => (typeof value === 'string' ? escaped(value) : JSON.stringify(value)))
        .sort((a, b) => b.length - a.length)[0] ?? 'null'
    );
  switch (schema.type) {
    case 'string':
      if (schema.maxLength === undefined) throw new Error(`${at}: a string without maxLength`);
      return escaped((admitsOnlyAscii(schema.pattern) ? 'A' : ASTRAL).repeat(schema.maxLength));
    case 'boolean':
      return 'false';
    case 'null':
      return 'null';
    case 'integer':
    case 'number':
      return '-1.7976931348623157e+308';
    case 'array': {
      if (schema.maxItems === undefined) throw new Error(`${at}: an array without maxItems`);
      return `[${Array.from({ length: schema.maxItems }, () => largest(schema.items ?? {}, `${at}/items`)).join(',')}]`;
    }
    case 'object': {
      const members = Object.entries(schema.properties ?? {}).map(
        ([key, property]) => `${escaped(key)}:${largest(property, `${at}/${key}`)}`,
      );
      const extra = schema.additionalProperties;
      if (extra !== undefined && extra !== false) {
        if (extra === true || schema.maxProperties === undefined || schema.propertyNames?.maxLength === undefined)
          throw new Error(`${at}: unbounded additional properties`);
        const value = largest(extra, `${at}/additionalProperties`);
        for (let index = members.length; index < schema.maxProperties; index += 1) {
          // Distinct keys of the longest length names allow.
          const key = String.fromCodePoint(0x1f600 + index) + ASTRAL.repeat(schema.propertyNames.maxLength - 1);
          members.push(`${escaped(key)}:${value}`);
        }
      } else if (extra === undefined) {
        throw new Error(`${at}: additionalProperties left open`);
      }
      return `{${members.join(',')}}`;
    }
    default:
      throw new Error(`${at}: a schema the size bound does not know (${JSON.stringify(schema).slice(0, 80)})`);
  }
}

interface Operation {
  requestBody?: { content: Record<string, { schema: Schema }> };
  security?: Array<Record<string, string[]>>;
}

const document = JSON.parse(readFileSync('contracts/generated/openapi.json', 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
};
const bodies = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods)
    .filter(([, operation]) => operation.requestBody)
    .flatMap(([method, operation]) =>
      Object.entries(operation.requestBody?.content ?? {}).map(([contentType, { schema }]) => ({
        method: method.toUpperCase(),
        path,
        contentType,
        schema,
        operation,
      })),
    ),
);

t.test('the size bound finds unbounded schemas and measures escaped characters', async (t) => {
  t.throws(() => largest({ type: 'string' }, '#'), /without maxLength/);
  t.throws(() => largest({ type: 'array', items: { type: 'string', maxLength: 1 } }, '#'), /without maxItems/);
  t.throws(() => largest({ type: 'object', properties: {} }, '#'), /additionalProperties left open/);
  t.equal(
    largest({ type: 'string', maxLength: 2 }, '#').length,
    2 + 2 * 12,
    'two astral characters: two quotes and 24 bytes',
  );
  t.equal(
    largest({ type: 'string', maxLength: 2, pattern: '^[A-Za-z0-9._~+/=-]+$' }, '#').length,
    2 + 2 * 6,
    'a pattern of ASCII characters alone: 6 bytes each',
  );
  t.equal(
    largest({ type: 'object', additionalProperties: false, properties: { a: { enum: ['xy'] } } }, '#'),
    '{"\\u0061":"\\u0078\\u0079"}',
  );
});

t.test(
  `every request body the document allows fits in ${defaultGatewayConfig.bodyLimitBytes} bytes (or its route's own limit), and the gateway takes the largest in`,
  async (t) => {
    t.ok(bodies.length >= 10, `${bodies.length} request bodies`);
    const gateway = await gatewayWithFakeIdentity();
    t.teardown(() => gateway.close());
    for (const { method, path, contentType, schema, operation } of bodies) {
      const body = largest(schema, `${method} ${path}`);
      const bytes = Buffer.byteLength(body);
      const limit = bodyLimitOf(`${method} ${path}`, defaultGatewayConfig.bodyLimitBytes);
      t.ok(bytes <= limit, `${method} ${path} (${contentType}): ${bytes} bytes, at most ${limit}`);
      // The same value as a form: each astral character percent-encoded is 12 bytes too, and `=` and `&` are no longer than JSON's punctuation.
      const value = JSON.parse(body) as Record<string, unknown>;
      const payload =
        contentType === 'application/x-www-form-urlencoded'
          ? Object.entries(value)
              .map(([key, item]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(item))}`)
              .join('&')
          : body;
      t.ok(Buffer.byteLength(payload) <= bytes, 'its form encoding is no larger');
      const url = path.replace(/\{[^}]+\}/g, 'x');
      const token = operation.security?.some((requirement) => 'userAuth' in requirement)
        ? 'not-a-user-token'
        : gateway.clientToken();
      const answer = await gateway.app.inject({
        method: method as 'POST',
        url,
        payload,
        headers: { 'content-type': contentType, authorization: `Bearer ${token}` },
      });
      t.not(answer.statusCode, 413, `the gateway reads it (answered ${answer.statusCode})`);
    }
  },
);
