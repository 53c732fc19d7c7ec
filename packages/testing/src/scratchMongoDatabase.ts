/**
 * A MongoDB database of the suite's own: a unique name, so runs never see each
 * other's data, dropped when the suite ends. `admin` is a client on it for
 * assertions about what the adapter stored.
 */
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import type { Test } from 'tap';

export function scratchMongoDatabase(
  t: Test,
  url: string,
  prefix = 'tessera_test',
): { database: string; admin: MongoClient } {
  const database = `${prefix}_${randomUUID().replaceAll('-', '')}`;
  const admin = new MongoClient(url, { serverSelectionTimeoutMS: 3000 });
  t.teardown(async () => {
    await admin.db(database).dropDatabase();
    await admin.close();
  });
  return { database, admin };
}
