/**
 * The operations of the OpenAPI document, read the way a fuzzer needs them:
 * method and path, who may call, the query and body schemas, and the schema
 * of each declared answer.
 */
import { readFileSync } from 'node:fs';
import { PASSKEY_REGISTRATION_BODY_LIMIT_BYTES } from '@tessera/contracts';
import type { JsonSchema } from './schemaArbitrary.ts';

/** Operations whose body limit is their own rather than the gateway's (a passkey's registration with the password). */
const ownBodyLimits: Record<string, number> = {
  'POST /v1/user/passkeys': PASSKEY_REGISTRATION_BODY_LIMIT_BYTES,
};

/** The body limit of the operation `id` ("POST /v1/user/passkeys"): its own, else the gateway's. */
export function bodyLimitOf(id: string, gatewayLimit: number): number {
  return ownBodyLimits[id] ?? gatewayLimit;
}

interface OpenApiOperation {
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ in: string; name: string; required?: boolean; schema: JsonSchema }>;
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
}

export interface Operation {
  /** Such as "POST /v1/user/login". */
  id: string;
  method: string;
  path: string;
  security: 'client' | 'user' | 'none';
  query?: JsonSchema;
  /** Body schema by content type. */
  body?: Record<string, JsonSchema>;
  responses: Record<string, JsonSchema | undefined>;
}

/** The value with its local `$ref`s (`#/components/...`) replaced by what they point at. */
function resolved<T>(value: T, document: unknown): T {
  if (Array.isArray(value)) return value.map((item) => resolved(item, document) as unknown) as T;
  if (typeof value !== 'object' || value === null) return value;
  const ref = (value as { $ref?: unknown }).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/')) {
    const target = ref
      .slice(2)
      .split('/')
      .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], document);
    return resolved(target as T, document);
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolved(item, document)])) as T;
}

export function operationsOf(file = 'contracts/generated/openapi.json'): Operation[] {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  const document = resolved(raw, raw) as { paths: Record<string, Record<string, OpenApiOperation>> };
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]): Operation => {
      const schemes = (operation.security ?? []).flatMap((requirement) => Object.keys(requirement));
      const query = (operation.parameters ?? []).filter((parameter) => parameter.in === 'query');
      return {
        id: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        security: schemes.includes('userAuth') ? 'user' : schemes.includes('clientAuth') ? 'client' : 'none',
        ...(query.length > 0
          ? {
              query: {
                type: 'object',
                additionalProperties: false,
                properties: Object.fromEntries(query.map((parameter) => [parameter.name, parameter.schema])),
                required: query.filter((parameter) => parameter.required).map((parameter) => parameter.name),
              },
            }
          : {}),
        ...(operation.requestBody
          ? {
              body: Object.fromEntries(
                Object.entries(operation.requestBody.content).map(([type, media]) => [type, media.schema]),
              ),
            }
          : {}),
        responses: Object.fromEntries(
          Object.entries(operation.responses).map(([status, response]) => [
            status,
            response.content?.['application/json']?.schema,
          ]),
        ),
      };
    }),
  );
}
