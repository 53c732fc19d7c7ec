import { MongoClient, MongoServerError } from 'mongodb';
import type { PersonalDataKeyStore, StoredUserKey } from './keyStore.ts';

interface KeyDocument {
  _id: string;
  wrappedKey?: string;
  erasedAt?: string;
}

const DUPLICATE_KEY = 11000;

/**
 * Keys in a MongoDB collection of their own (`personal_data_keys`), shared by
 * every process that reads personal data. Only single-document inserts and
 * replacements, which are atomic on MongoDB and FerretDB alike. Erasure
 * replaces the document with a tombstone; how soon the storage engine
 * overwrites the freed bytes is the database's business (docs/security.md).
 */
export async function createMongoKeyStore(options: {
  url: string;
  database: string;
  serverSelectionTimeoutMS?: number;
}): Promise<PersonalDataKeyStore> {
  const timeout = options.serverSelectionTimeoutMS ?? 3000;
  const client = new MongoClient(options.url, {
    serverSelectionTimeoutMS: timeout,
    connectTimeoutMS: timeout,
    maxPoolSize: 5,
    appName: 'tessera-keys',
  });
  const db = client.db(options.database);
  const keys = db.collection<KeyDocument>('personal_data_keys');
  try {
    await db.command({ ping: 1 });
  } catch (error) {
    await client.close().catch(() => undefined);
    throw new Error(`the key store's MongoDB did not answer a ping: ${(error as Error).message}`, { cause: error });
  }
  const toStored = (document: KeyDocument): StoredUserKey =>
    document.wrappedKey !== undefined && document.erasedAt === undefined
      ? { status: 'active', wrappedKey: document.wrappedKey }
      : { status: 'erased', erasedAt: document.erasedAt ?? '' };
  const read = async (userId: string) => {
    const document = await keys.findOne({ _id: userId });
    return document ? toStored(document) : undefined;
  };
  return {
    async putIfAbsent(userId, wrappedKey) {
      try {
        await keys.insertOne({ _id: userId, wrappedKey });
      } catch (error) {
        if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
      }
      const stored = await read(userId);
      if (!stored) throw new Error('the key just stored cannot be read back');
      return stored;
    },
    get: read,
    async erase(userId, erasedAt) {
      const existing = await keys.findOne({ _id: userId });
      if (existing?.erasedAt !== undefined) return;
      await keys.replaceOne({ _id: userId }, { erasedAt }, { upsert: true });
    },
    async ping() {
      await db.command({ ping: 1 });
    },
    async close() {
      await client.close();
    },
  };
}
