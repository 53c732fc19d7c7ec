import { MongoServerError } from 'mongodb';
import type { Collection, Document } from 'mongodb';
import type { ViewCollection } from './viewStore.ts';

/** How a view document is kept: the projection's JSON under `doc`, beside the position that wrote it. */
export interface StoredView {
  _id: string;
  position: number;
  doc: Document;
}

/** Collection, namespace and field names become collection names and `doc.<field>` paths: no `$` or `.` may get in. */
const IDENTIFIER = /^[a-z][a-z0-9_]*$/i;

/**
 * The operations of one view collection. `ready` settles once the indexes
 * asked for exist; every operation waits for it so a failed index build
 * surfaces instead of going unnoticed.
 */
export function openMongoViewCollection(
  views: Collection<StoredView>,
  ready: () => Promise<void>,
): ViewCollection<object> {
  const key = (id: string): string => `${views.dbName}\0${views.collectionName}\0${id}`;
  return {
    get: async (id) => {
      await ready();
      return (await views.findOne({ _id: id }, { projection: { doc: 1 } }))?.doc;
    },
    findBy: async (field, value) => {
      comparable(value);
      const path = `doc.${identifier(field, 'field')}`;
      await ready();
      // Equality on a path also matches array elements in MongoDB; the SQLite store compares whole values.
      const filter = { [path]: { $eq: value, $not: { $type: 'array' } } };
      const found = await views
        .find(filter, { projection: { doc: 1 } })
        .sort({ _id: 1 })
        .toArray();
      return found.map((stored) => stored.doc);
    },
    upsert: async (id, document, position) => {
      await ready();
      // Through JSON, so Dates, undefined fields and toJSON() come out as they do from the SQLite store.
      const doc = JSON.parse(JSON.stringify(document)) as Document;
      // The guard is part of the write, so an older position never replaces a newer one. When a copy at the
      // same or a later position exists, nothing matches and the upsert's insert collides on _id.
      const written = await oneAtATime(key(id), () =>
        retryOnDuplicateKey(() =>
          views.updateOne({ _id: id, position: { $lt: position } }, { $set: { position, doc } }, { upsert: true }),
        ),
      );
      return written !== undefined && written.matchedCount + written.upsertedCount > 0;
    },
    delete: async (id, position) => {
      await ready();
      const removed = await oneAtATime(key(id), () => views.deleteOne({ _id: id, position: { $lte: position } }));
      return removed.deletedCount > 0;
    },
  };
}

/** The tail of the writes queued for each document, across every store of this process. */
const queues = new Map<string, Promise<unknown>>();

/**
 * Runs the writes of one document one after another. MongoDB applies a
 * guarded write atomically, but FerretDB v1 reads the matching document and
 * writes it back in two steps, so two concurrent writes of one id could let
 * the older position land last. Writers in other processes are not covered:
 * on FerretDB each view needs a single writing process (docs/adr/0007).
 */
async function oneAtATime<R>(key: string, write: () => Promise<R>): Promise<R> {
  const result = (queues.get(key) ?? Promise.resolve()).then(write);
  const tail = result.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return result;
}

/**
 * Runs an upsert, once more if it collides on `_id`: the first collision may
 * come from another writer inserting the same new id (at any position), which
 * the second attempt then compares against. A second collision means the
 * stored copy is at least as new; that resolves to undefined.
 */
export async function retryOnDuplicateKey<R>(upsert: () => Promise<R>): Promise<R | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await upsert();
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === 11000)) throw error;
      if (attempt === 2) return undefined;
    }
  }
}

/** Checks a name against {@link IDENTIFIER}; `kind` names it in the error. */
export function identifier(name: string, kind: 'collection' | 'field'): string {
  if (!IDENTIFIER.test(name)) throw new Error(`invalid ${kind} name: ${JSON.stringify(name)}`);
  return name;
}

/** BSON keeps strings, numbers and booleans apart, so an equality match is already exact about the type. */
function comparable(value: unknown): void {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return;
  throw new Error(`findBy compares strings, numbers and booleans, not ${value === null ? 'null' : typeof value}`);
}
