import t from 'tap';
import { requireServer, scratchMongoDatabase } from '@tessera/testing';
import { createMongoKeyStore } from '../src/index.ts';
import { keyStoreContract } from '../src/contract/index.ts';

// deploy/local/ferretdb.sh start prints a MONGO_URL that works here.
const url = requireServer(t, 'MONGO_URL', 'the key-store contract against MongoDB');

if (url !== undefined) {
  const serverUrl = url;
  const { database, admin } = scratchMongoDatabase(t, serverUrl, 'tessera_keys_test');

  await keyStoreContract(t, { name: 'MongoDB', create: () => createMongoKeyStore({ url: serverUrl, database }) });

  t.test('MongoDB: an erased key document holds no key material', async (t) => {
    const store = await createMongoKeyStore({ url: serverUrl, database });
    t.teardown(() => store.close());
    await store.putIfAbsent('user-erased', 'material-to-destroy');
    await store.erase('user-erased', '2026-01-02T03:04:05.000Z');
    t.strictSame(
      await admin
        .db(database)
        .collection('personal_data_keys')
        .findOne({ _id: 'user-erased' as never }),
      { _id: 'user-erased', erasedAt: '2026-01-02T03:04:05.000Z' },
    );
  });
}
