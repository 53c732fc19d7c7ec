import { MongoClient, MongoServerError, type Collection } from 'mongodb';
import { windowOf, type RateLimitStore } from './rateLimitStore.ts';

/** Options of {@link createMongoRateLimitStore}. */
export interface MongoRateLimitStoreOptions {
  /** A MongoDB connection string, e.g. `mongodb://127.0.0.1:27017/?directConnection=true`. */
  url: string;
  database: string;
  /** Default `rate_limit_hits`. */
  collection?: string;
  /** Where windows are read from; tests move it. Gateways sharing a store should keep their clocks in step (NTP). */
  clock?: () => Date;
  /** How long connecting, and later each operation, waits for a reachable server (default 3000 ms). */
  serverSelectionTimeoutMS?: number;
  /** Default 10: every request of the gateway goes through the store. */
  maxPoolSize?: number;
  /** How often expired hits are deleted when the server has no TTL index (FerretDB v1); default 60 s. */
  sweepIntervalMs?: number;
}

export interface MongoRateLimitStore extends RateLimitStore {
  /** Deletes the hits of ended windows; returns how many. Runs on a timer when the server lacks TTL indexes. */
  removeExpired(): Promise<number>;
}

interface StoredHit {
  /** `<windowMs>:<window start>:<key>`: one count per key and window. */
  bucket: string;
  /** The window's end: a TTL index (or the sweep) deletes the hit after it. */
  expiresAt: Date;
}

/** Buckets this process already saw over their limit, so a flood costs the server nothing more. */
const MAX_REMEMBERED_FULL_BUCKETS = 10_000;

/**
 * Counts shared by every gateway on one MongoDB database: each hit is its own
 * document, inserted, then the bucket's documents are counted (up to
 * `limit + 1`). An insert is atomic everywhere, so no hit is ever lost and a
 * hit's count includes every hit stored before it. A counter updated with
 * `$inc` would be one document per window instead, but FerretDB v1 applies an
 * update by reading and rewriting the document, and concurrent increments are
 * lost (ADR 13). Hits expire with a TTL index where the server has one, and
 * by a periodic sweep where it has not (FerretDB v1).
 *
 * Connects eagerly: the promise rejects, with the client closed, when no
 * server answers a ping within `serverSelectionTimeoutMS`.
 */
export async function createMongoRateLimitStore(options: MongoRateLimitStoreOptions): Promise<MongoRateLimitStore> {
  const timeout = options.serverSelectionTimeoutMS ?? 3000;
  const client = new MongoClient(options.url, {
    serverSelectionTimeoutMS: timeout,
    connectTimeoutMS: timeout,
    maxPoolSize: options.maxPoolSize ?? 10,
    appName: 'tessera-rate-limits',
  });
  const db = client.db(options.database);
  const hits = db.collection<StoredHit>(options.collection ?? 'rate_limit_hits');
  const clock = options.clock ?? (() => new Date());
  let sweeper: NodeJS.Timeout | undefined;
  try {
    await db.command({ ping: 1 });
    await hits.createIndex({ bucket: 1 }, { name: 'by_bucket' });
    if (!(await expiresByTtlIndex(hits))) {
      sweeper = setInterval(() => {
        store.removeExpired().catch(() => undefined);
      }, options.sweepIntervalMs ?? 60_000);
      sweeper.unref();
    }
  } catch (error) {
    await client.close().catch(() => undefined);
    throw new Error(`MongoDB at ${redact(options.url)} is not usable for rate limits: ${(error as Error).message}`, {
      cause: error,
    });
  }

  const fullBuckets = new Map<string, number>();
  const rememberFull = (bucket: string, endsAt: number) => {
    fullBuckets.set(bucket, endsAt);
    if (fullBuckets.size <= MAX_REMEMBERED_FULL_BUCKETS) return;
    const now = clock().getTime();
    for (const [known, end] of fullBuckets) if (end <= now) fullBuckets.delete(known);
    if (fullBuckets.size > MAX_REMEMBERED_FULL_BUCKETS) fullBuckets.delete(fullBuckets.keys().next().value!);
  };

  const store: MongoRateLimitStore = {
    async hit(key, windowMs, limit) {
      const { start, resetInMs } = windowOf(clock().getTime(), windowMs);
      const bucket = `${windowMs}:${start}:${key}`;
      if (fullBuckets.has(bucket)) return { count: limit + 1, resetInMs };
      await hits.insertOne({ bucket, expiresAt: new Date(start + windowMs) });
      const count = await hits.countDocuments({ bucket }, { limit: limit + 1 });
      if (count > limit) rememberFull(bucket, start + windowMs);
      return { count, resetInMs };
    },
    async removeExpired() {
      const removed = await hits.deleteMany({ expiresAt: { $lte: clock() } });
      return removed.deletedCount;
    },
    ping: async () => void (await db.command({ ping: 1 })),
    async close() {
      if (sweeper) clearInterval(sweeper);
      await client.close();
    },
  };
  return store;
}

/** Creates the TTL index; false when the server does not implement TTL indexes (FerretDB v1 answers NotImplemented). */
async function expiresByTtlIndex(hits: Collection<StoredHit>): Promise<boolean> {
  try {
    await hits.createIndex({ expiresAt: 1 }, { name: 'expiry', expireAfterSeconds: 0 });
    return true;
  } catch (error) {
    if (!(error instanceof MongoServerError && error.code === NOT_IMPLEMENTED)) throw error;
    await hits.createIndex({ expiresAt: 1 }, { name: 'expiry' });
    return false;
  }
}

const NOT_IMPLEMENTED = 238;

/** Connection strings may carry a password, and this message ends up in logs. */
function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
