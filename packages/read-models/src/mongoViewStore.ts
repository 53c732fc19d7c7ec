import { MongoClient } from 'mongodb';
import type { Collection, Db } from 'mongodb';
import { promoteMongoNamespace } from './mongoPromote.ts';
import type { StoredCheckpoint } from './mongoPromote.ts';
import { identifier, openMongoViewCollection, retryOnDuplicateKey } from './mongoViewCollection.ts';
import type { StoredView } from './mongoViewCollection.ts';
import type { ViewCollection, ViewStore } from './viewStore.ts';

/** Options of {@link createMongoViewStore}. */
export interface MongoViewStoreOptions {
  /** A MongoDB connection string, e.g. `mongodb://127.0.0.1:27017/?directConnection=true`. */
  url: string;
  database: string;
  /** Put before every collection name, so several stores can share one database. */
  collectionPrefix?: string;
  /** How long connecting, and later each operation, waits for a reachable server (default 3000 ms). */
  serverSelectionTimeoutMS?: number;
  /** Connections kept per server (default 5): one service rarely has more view writes in flight. */
  maxPoolSize?: number;
}

interface OpenedCollection {
  views: Collection<StoredView>;
  view: ViewCollection<object>;
  /** Fields whose index was asked for. */
  indexed: Set<string>;
  /** Settles when every index asked for exists. */
  ready: Promise<void>;
}

/** The live store and prefix of each namespace handed out, so promote() accepts only its own. */
const namespaces = new WeakMap<ViewStore, { owner: ViewStore; prefix: string }>();

/**
 * A view store in one MongoDB database: each collection `<prefix>view_<name>`
 * holds `{ _id, position, doc }`, checkpoints live in `<prefix>checkpoints`.
 * It needs only single-document writes and plain indexes (no transactions,
 * change streams or collations), so it runs on MongoDB and on FerretDB v1
 * alike (docs/adr/0007).
 *
 * Connects eagerly: the promise rejects, with the client closed, when no
 * server answers a ping within `serverSelectionTimeoutMS`, so a caller that
 * retries until ready leaks no connections. As in the SQLite store,
 * collection names are case-insensitive and documents pass through JSON.
 */
export async function createMongoViewStore(options: MongoViewStoreOptions): Promise<ViewStore> {
  const timeout = options.serverSelectionTimeoutMS ?? 3000;
  const client = new MongoClient(options.url, {
    serverSelectionTimeoutMS: timeout,
    connectTimeoutMS: timeout,
    maxPoolSize: options.maxPoolSize ?? 5,
    appName: 'tessera-read-models',
  });
  const store = storeOver(client.db(options.database), options.collectionPrefix ?? '', () => client.close());
  try {
    await store.ping();
  } catch (error) {
    await client.close().catch(() => undefined);
    throw new Error(`MongoDB at ${redact(options.url)} did not answer a ping: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return store;
}

function storeOver(db: Db, prefix: string, close: () => Promise<void>): ViewStore {
  const checkpoints = db.collection<StoredCheckpoint>(`${prefix}checkpoints`);
  const opened = new Map<string, OpenedCollection>();

  const store: ViewStore = {
    collection<T extends object>(name: string, collectionOptions: { indexes?: string[] } = {}): ViewCollection<T> {
      const entry = openCollection(db, prefix, opened, identifier(name, 'collection').toLowerCase());
      const missing = (collectionOptions.indexes ?? [])
        .map((field) => identifier(field, 'field'))
        .filter((field) => !entry.indexed.has(field));
      for (const field of missing) entry.indexed.add(field);
      buildIndexes(entry, missing);
      return entry.view as ViewCollection<T>;
    },
    getCheckpoint: async (name) => (await checkpoints.findOne({ _id: name }))?.position ?? 0,
    setCheckpoint: async (name, position) => {
      await retryOnDuplicateKey(() => checkpoints.updateOne({ _id: name }, { $set: { position } }, { upsert: true }));
    },
    namespace(name) {
      const namespacePrefix = `${prefix}${identifier(name, 'collection')}__`;
      // The connection belongs to the live store: closing a namespace leaves it open.
      const staging = storeOver(db, namespacePrefix, async () => undefined);
      namespaces.set(staging, { owner: store, prefix: namespacePrefix });
      return staging;
    },
    async promote(staging) {
      const namespace = namespaces.get(staging);
      if (namespace?.owner !== store) throw new Error('promote() takes a store made by namespace() on this store');
      for (const key of await promoteMongoNamespace(db, namespace.prefix, prefix)) {
        const entry = opened.get(key);
        // The promoted collection carries the rebuild's indexes; add back any this store was asked for.
        if (entry !== undefined) buildIndexes(entry, [...entry.indexed]);
      }
    },
    ping: async () => void (await db.command({ ping: 1 })),
    // Overwritten documents are the storage engine's to reclaim; nothing more to do through the driver.
    purge: async () => undefined,
    close,
  };
  return store;
}

/** The collection `key` of the store with this prefix, opened once and remembered in `opened`. */
function openCollection(db: Db, prefix: string, opened: Map<string, OpenedCollection>, key: string): OpenedCollection {
  const known = opened.get(key);
  if (known !== undefined) return known;
  const views = db.collection<StoredView>(`${prefix}view_${key}`);
  const entry: OpenedCollection = {
    views,
    view: openMongoViewCollection(views, () => entry.ready),
    indexed: new Set(),
    ready: Promise.resolve(),
  };
  opened.set(key, entry);
  return entry;
}

/** Starts building an index for each of `fields`; `entry.ready` settles once they all exist. */
function buildIndexes(entry: OpenedCollection, fields: string[]): void {
  if (fields.length === 0) return;
  const builds = fields.map((field) => entry.views.createIndex({ [`doc.${field}`]: 1 }, { name: `by_${field}` }));
  // collection() is synchronous, so the builds finish in the background; the
  // collection's operations wait for them and so report a failed build.
  entry.ready = Promise.all([entry.ready, ...builds]).then(() => undefined);
  entry.ready.catch(() => undefined);
}

/** Connection strings may carry a password, and this message ends up in logs. */
function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
