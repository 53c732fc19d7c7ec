/**
 * `Idempotency-Key` on POST and PUT: a retried request gets the first answer
 * again, byte for byte, and reaches identity only once. Entries are scoped to
 * the calling client (and user, for user tokens) and kept in the read-model
 * store, so every gateway instance sees them. The stored answer can hold
 * tokens, so it is encrypted under a key derived from the Idempotency-Key
 * itself, which only the caller knows: the store alone opens nothing.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '@tessera/contracts';
import { aeadDecrypt, aeadEncrypt, hashSecretToken } from '@tessera/crypto';
import type { ViewCollection, ViewStore } from '@tessera/read-models';
import type { ClientClaims, UserClaims } from './auth.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: { id: string; key: Buffer; fingerprint: string; at: number };
  }
}

interface Entry {
  state: 'pending' | 'done';
  fingerprint: string;
  /** Milliseconds since the epoch when the first request arrived. */
  at: number;
  /** The first answer, encrypted: `{ status, contentType, payload }`. */
  response?: string;
}

export interface IdempotencyOptions {
  store: ViewStore;
  /** How long an answer is replayed (default 24 h). */
  ttlSeconds?: number;
  /** A first request unfinished after this long is taken as lost (a crashed gateway), and a retry runs anew. */
  abandonedAfterSeconds?: number;
  now?: () => number;
}

/** Printable ASCII, as a UUID or any opaque token a client would send. */
const KEY = /^[\x21-\x7e]{1,255}$/;
const UNIT = '\u0000';

interface Store {
  entries: ViewCollection<Entry>;
  /** How long an answer is replayed, and after how long a first request is taken as lost (ms). */
  ttl: number;
  abandoned: number;
  now: () => number;
}

async function callerOf(request: FastifyRequest): Promise<string | undefined> {
  try {
    const claims = await request.jwtVerify<ClientClaims | UserClaims>();
    return claims.token_use === 'user' ? `${claims.client_id}${UNIT}${claims.sub}` : claims.sub;
  } catch {
    return undefined; // The route itself refuses the token.
  }
}

/** Before the route: a first request is recorded as pending; a retry gets the first answer again, or is refused. */
async function replayOrRecord(store: Store, request: FastifyRequest, reply: FastifyReply) {
  // No route took the request (404, 405): there is no answer to keep, and the key says nothing about it.
  if (request.is404 || (request.method !== 'POST' && request.method !== 'PUT')) return;
  const header = request.headers['idempotency-key'];
  if (header === undefined) return;
  if (typeof header !== 'string' || !KEY.test(header)) throw new ApiError('VALIDATION_FAILED');
  const caller = await callerOf(request);
  if (caller === undefined) return;
  const id = hashSecretToken(`id${UNIT}${caller}${UNIT}${header}`);
  const key = Buffer.from(hashSecretToken(`key${UNIT}${caller}${UNIT}${header}`), 'base64url');
  const fingerprint = hashSecretToken(JSON.stringify([request.method, request.url, request.body ?? null]));
  const at = store.now();
  if (await store.entries.upsert(id, { state: 'pending', fingerprint, at }, 1)) {
    request.idempotency = { id, key, fingerprint, at };
    return;
  }
  const existing = await store.entries.get(id);
  // Expired, or a first attempt that died: run this one without a record rather than refuse it.
  if (!existing || at - existing.at > store.ttl || (existing.state === 'pending' && at - existing.at > store.abandoned))
    return;
  if (existing.fingerprint !== fingerprint) throw new ApiError('IDEMPOTENCY_KEY_REUSED');
  if (existing.state === 'pending') throw new ApiError('IDEMPOTENCY_IN_PROGRESS', 1);
  const opened = existing.response ? aeadDecrypt(key, Buffer.from(existing.response, 'base64'), id) : undefined;
  if (!opened) return;
  const first = JSON.parse(opened.toString('utf8')) as { status: number; contentType: string; payload: string };
  return reply.code(first.status).header('idempotent-replayed', 'true').type(first.contentType).send(first.payload);
}

/** Once answered: the first answer is kept, encrypted, for its retries. */
async function keepAnswer(store: Store, request: FastifyRequest, reply: FastifyReply, payload: unknown) {
  const context = request.idempotency;
  if (!context) return payload;
  request.idempotency = undefined;
  // A failure on our side or a rate limit is not an answer to keep: the retry must run.
  if (reply.statusCode >= 500 || reply.statusCode === 429 || typeof payload !== 'string') {
    await store.entries.delete(context.id, 1);
    return payload;
  }
  const first = {
    status: reply.statusCode,
    contentType: String(reply.getHeader('content-type') ?? 'application/json'),
    payload,
  };
  const response = aeadEncrypt(context.key, Buffer.from(JSON.stringify(first), 'utf8'), context.id).toString('base64');
  await store.entries.upsert(
    context.id,
    { state: 'done', fingerprint: context.fingerprint, at: context.at, response },
    2,
  );
  return payload;
}

export const idempotencyPlugin = fp<IdempotencyOptions>(
  async (app, options) => {
    const store: Store = {
      entries: options.store.collection<Entry>('idempotency'),
      ttl: (options.ttlSeconds ?? 24 * 3600) * 1000,
      abandoned: (options.abandonedAfterSeconds ?? 60) * 1000,
      now: options.now ?? Date.now,
    };
    app.addHook('preHandler', async (request, reply) => replayOrRecord(store, request, reply));
    app.addHook('onSend', async (request, reply, payload) => keepAnswer(store, request, reply, payload));
  },
  { name: 'tessera-idempotency', dependencies: ['tessera-auth'] },
);
