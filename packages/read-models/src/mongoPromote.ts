import { MongoServerError } from 'mongodb';
import type { AnyBulkWriteOperation, Db } from 'mongodb';

/** The server's answer to an option it does not implement (FerretDB v1 and `dropTarget`). */
const NOT_IMPLEMENTED = 238;
/** Servers before MongoDB 7.0 refuse to drop a collection that does not exist. */
const NAMESPACE_NOT_FOUND = 26;

/** A checkpoint document: `{ _id: projection name, position }`. */
export interface StoredCheckpoint {
  _id: string;
  position: number;
}

/**
 * Moves every view collection and checkpoint of the namespace under
 * `stagingPrefix` to the live names under `livePrefix`. Without transactions
 * this is atomic per collection, not across them: views are swapped first and
 * the checkpoints last, so a promotion cut short leaves the old checkpoints
 * and the rebuild can simply run again.
 * @returns the live names (without `livePrefix` and `view_`) that were replaced.
 */
export async function promoteMongoNamespace(db: Db, stagingPrefix: string, livePrefix: string): Promise<string[]> {
  const stagingViews = `${stagingPrefix}view_`;
  const names = (await db.listCollections({}, { nameOnly: true }).toArray())
    .map((collection) => collection.name)
    .filter((name) => name.startsWith(stagingViews));
  const replaced: string[] = [];
  for (const name of names) {
    const key = name.slice(stagingViews.length);
    await replaceCollection(db, name, `${livePrefix}view_${key}`);
    replaced.push(key);
  }

  const staged = db.collection<StoredCheckpoint>(`${stagingPrefix}checkpoints`);
  const updates: AnyBulkWriteOperation<StoredCheckpoint>[] = (await staged.find().toArray()).map(
    ({ _id, position }) => ({
      updateOne: { filter: { _id }, update: { $set: { position } }, upsert: true },
    }),
  );
  if (updates.length > 0) await db.collection<StoredCheckpoint>(`${livePrefix}checkpoints`).bulkWrite(updates);
  await dropIfExists(db, staged.collectionName);
  return replaced;
}

/**
 * MongoDB swaps a collection in atomically with `dropTarget`; FerretDB v1
 * lacks it, so there the live collection is dropped first and reads see it
 * empty for the moment between the drop and the rename.
 */
async function replaceCollection(db: Db, from: string, to: string): Promise<void> {
  try {
    await db.renameCollection(from, to, { dropTarget: true });
  } catch (error) {
    if (!(error instanceof MongoServerError && error.code === NOT_IMPLEMENTED)) throw error;
    await dropIfExists(db, to);
    await db.renameCollection(from, to);
  }
}

async function dropIfExists(db: Db, name: string): Promise<void> {
  try {
    await db.dropCollection(name);
  } catch (error) {
    if (!(error instanceof MongoServerError && error.code === NAMESPACE_NOT_FOUND)) throw error;
  }
}
