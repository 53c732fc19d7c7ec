/**
 * What the document and the error catalogue promise about an answer, as
 * checks: no 5xx, no stack trace, only statuses the operation declares,
 * every error body the one the operation declares (the envelope by default,
 * with a catalogued code whose status is the one answered), 413 past the
 * body limit, 431 past the header limit.
 */
import { maxHeaderSize } from 'node:http';
import { errorCatalogue } from '@tessera/contracts';
import type { Operation } from './openApiDocument.ts';
import { matchesSchema, type JsonSchema } from './schemaArbitrary.ts';

export interface FuzzRequest {
  method: string;
  /** Path and query string. */
  target: string;
  headers: Record<string, string>;
  body?: string;
}

export interface FuzzResponse {
  status: number;
  contentType: string;
  text: string;
}

const catalogue = new Map<number, number>(
  Object.values(errorCatalogue).map((entry) => [entry.errorCode, entry.status]),
);
const STACK_TRACE = /\bat .*\(?[^\s()]+:\d+:\d+\)?|node_modules|\.ts:\d+|\bError: /;
export const ENVELOPE: JsonSchema = {
  type: 'object',
  required: ['success', 'data', 'errorCode', 'errorMessage'],
  additionalProperties: false,
  properties: {
    success: { enum: [false] },
    data: { type: 'null' },
    errorCode: { type: 'integer' },
    errorMessage: { type: 'string' },
  },
};

function routeMatched(operation: Operation, request: FuzzRequest): boolean {
  const [path] = request.target.split('?');
  return (
    path === operation.path &&
    (request.method === operation.method || (request.method === 'HEAD' && operation.method === 'GET'))
  );
}

/**
 * Node refuses a request line and headers past `maxHeaderSize` before any
 * route sees them. fetch adds a few headers of its own, so within this margin
 * of the limit either answer is right.
 */
const HEAD_MARGIN_BYTES = 1024;

function headBytes(request: FuzzRequest): number {
  return Buffer.byteLength(
    `${request.method} ${request.target} HTTP/1.1\r\n${Object.entries(request.headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('')}`,
  );
}

function parsed(text: string): { body: unknown } | undefined {
  try {
    return { body: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/** What is wrong with a body: not JSON, or not what the schema allows. */
export function bodyProblems(schema: JsonSchema, status: number, text: string): string[] {
  const json = parsed(text);
  if (!json) return [`status ${status} with a body that is not JSON`];
  const mismatch = matchesSchema(schema, json.body);
  return mismatch ? [`status ${status} with a body the document does not allow: ${mismatch}`] : [];
}

/** As bodyProblems, and for the envelope, a code that is not catalogued with the status answered. */
export function errorBodyProblems(schema: JsonSchema, status: number, text: string): string[] {
  const problems = bodyProblems(schema, status, text);
  if (problems.length > 0 || !schema.required?.includes('errorCode')) return problems;
  const { errorCode } = parsed(text)?.body as { errorCode: number };
  const catalogued = catalogue.get(errorCode);
  if (catalogued === undefined) return [`error code ${errorCode} is not in the catalogue`];
  return catalogued === status
    ? []
    : [`error code ${errorCode} is catalogued with status ${catalogued}, answered with ${status}`];
}

/** What is wrong with an answer, by the document and the error catalogue: nothing, for a good one. */
export function problemsWith(
  operation: Operation,
  request: FuzzRequest,
  response: FuzzResponse,
  bodyLimitBytes: number,
): string[] {
  const { status, text } = response;
  const problems: string[] = [];
  if (status >= 500) problems.push(`status ${status}`);
  if (STACK_TRACE.test(text)) problems.push('a stack trace or source path in the body');
  const head = headBytes(request);
  if (head > maxHeaderSize + HEAD_MARGIN_BYTES && status !== 431)
    problems.push(`a request line and headers of ${head} bytes answered ${status}, not 431`);
  const refusedBeforeRouting = status === 431 && head > maxHeaderSize - HEAD_MARGIN_BYTES;
  const matched = !refusedBeforeRouting && routeMatched(operation, request);
  // A HEAD answer has no body to check.
  if (request.method === 'HEAD') return problems;
  const declaredStatus =
    Object.hasOwn(operation.responses, String(status)) || Object.hasOwn(operation.responses, `${String(status)[0]}XX`);
  if (matched && !declaredStatus) problems.push(`status ${status}, which the operation does not declare`);
  const declared = matched
    ? (operation.responses[String(status)] ?? operation.responses[`${String(status)[0]}XX`])
    : undefined;
  const schema = declared ?? (status >= 400 ? ENVELOPE : undefined);
  if (schema) problems.push(...(status >= 400 ? errorBodyProblems : bodyProblems)(schema, status, text));
  const supportedType = Object.keys(operation.body ?? {}).includes(request.headers['content-type'] ?? '');
  if (matched && supportedType && Buffer.byteLength(request.body ?? '') > bodyLimitBytes) {
    const errorCode = (parsed(text)?.body as { errorCode?: unknown } | undefined)?.errorCode;
    if (status !== 413) problems.push(`a body over the limit answered ${status}, not 413`);
    else if (schema?.required?.includes('errorCode') && errorCode !== errorCatalogue.BODY_TOO_LARGE.errorCode)
      problems.push(`a body over the limit with code ${String(errorCode)}, not 1001`);
  }
  return problems;
}
