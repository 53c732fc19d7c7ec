import t from 'tap';
import { requireServer, scratchMongoDatabase } from '@tessera/testing';
import { createMongoRateLimitStore, type MongoRateLimitStoreOptions } from '../src/index.ts';
import { rateLimitStoreContract } from '../src/contract/index.ts';

// deploy/local/ferretdb.sh start prints a MONGO_URL that works here.
const url = requireServer(t, 'MONGO_URL', 'the rate-limit store contract against MongoDB');

if (url !== undefined) {
  const serverUrl = url;
  const { database, admin } = scratchMongoDatabase(t, serverUrl);
  const create = (options: Partial<MongoRateLimitStoreOptions> = {}) =>
    createMongoRateLimitStore({ url: serverUrl, database, ...options });

  await rateLimitStoreContract(t, {
    name: 'MongoDB',
    create: (clock) => create({ clock }),
    // A second gateway: its own client on the same database.
    peer: (_store, clock) => create({ clock }),
  });

  t.test('MongoDB: each hit is one document, deleted once its window has ended', async (t) => {
    let now = Date.now() + 3_600_000;
    const store = await create({ clock: () => new Date(now), collection: 'expiring_hits' });
    t.teardown(() => store.close());
    await store.hit('ip:192.0.2.1', 60_000, 10);
    await store.hit('ip:192.0.2.1', 60_000, 10);
    const raw = admin.db(database).collection('expiring_hits');
    const stored = await raw.find({}, { projection: { _id: 0 } }).toArray();
    t.equal(stored.length, 2);
    t.match(stored[0], { bucket: /^60000:\d+:ip:192\.0\.2\.1$/, expiresAt: Date });
    t.equal(await store.removeExpired(), 0, 'nothing while the window lasts');
    now += 60_000;
    t.equal(await store.removeExpired(), 2, 'both once it has ended');
    t.equal(await raw.countDocuments(), 0);
  });

  t.test('MongoDB: a server that does not answer fails fast and says where, without the password', async (t) => {
    await t.rejects(
      createMongoRateLimitStore({
        url: 'mongodb://user:secret@127.0.0.1:1/?directConnection=true',
        database,
        serverSelectionTimeoutMS: 300,
      }),
      /MongoDB at mongodb:\/\/\*\*\*@127\.0\.0\.1:1\/.* is not usable for rate limits/,
    );
  });
}
