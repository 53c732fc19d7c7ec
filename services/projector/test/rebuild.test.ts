import t from 'tap';
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createSqliteEventStore } from '@tessera/event-store';
import { generateSecretKey } from '@tessera/crypto';
import { createLogger } from '@tessera/logging';
import { createPersonalDataProtector, createSqliteKeyStore, deriveKeyEncryptionKey } from '@tessera/personal-data';
import { createKeyringFile } from '@tessera/runtime';
import { createSqliteViewStore } from '@tessera/read-models';
import { openViews, rebuildReadModels } from '../src/index.ts';

const event = (type: string, data: Record<string, unknown>) => ({ eventId: randomUUID(), type, schemaVersion: 1, data, metadata: { correlationId: 'c' } });

async function seed(dir: string, users: number) {
  const store = createSqliteEventStore({ path: path.join(dir, 'events.sqlite') });
  for (let index = 0; index < users; index += 1) {
    const userId = `u${index}`;
    await store.append(`user-${userId}`, [
      event('UserRegistered', { userId, email: `${userId}@example.com`, phoneNumber: '+33612345678', passwordHash: 'h', roles: ['USER'], clientId: 'c1' }),
      event('AccountOpened', { userId, accountId: `a${index}`, kind: 'MAIN' }),
    ]);
  }
  return store;
}

t.test('a rebuild reproduces the views from the log, drops what the log does not hold, and swaps them in', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rebuild-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const eventStore = await seed(dir, 25);
  const views = createSqliteViewStore({ path: path.join(dir, 'views.sqlite') });
  const { users, accounts } = openViews(views);
  await users.upsert('ghost', { userId: 'ghost' } as never, 1);
  const progress: string[] = [];
  const keyStore = createSqliteKeyStore({ path: path.join(dir, 'keys.sqlite') });
  const personalData = createPersonalDataProtector({ keyStore, keyEncryptionKey: deriveKeyEncryptionKey(generateSecretKey()) });
  const result = await rebuildReadModels({ eventStore, views, personalData, logger: createLogger('test', { level: 'silent' }), onProgress: (p) => progress.push(p.phase) });
  t.equal(result.events, 50);
  t.equal(await users.get('ghost'), undefined, 'a document no event produced is gone');
  t.match(await users.get('u7'), { email: 'u7@example.com', accounts: [{ accountId: 'a7' }] });
  t.match(await accounts.get('a24'), { userId: 'u24', kind: 'MAIN' });
  t.equal(await views.getCheckpoint('projector'), 50);
  t.ok(progress.includes('rebuilding'), 'progress is reported');
  await views.close();
  await keyStore.close();
  await eventStore.close();
});

t.test('the replay CLI exports the log, or one user’s stream, as JSON lines', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'export-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  await (await seed(dir, 3)).close();
  createKeyringFile(path.join(dir, 'keys.json'));
  const run = (args: string[]) => promisify(execFile)(process.execPath, ['--import', 'tsx', 'services/projector/src/replayCli.ts', ...args], { env: { ...process.env, DATA_DIR: dir } });
  const all = (await run(['export'])).stdout.trim().split('\n').map((text) => JSON.parse(text) as { position: number; type: string; streamId: string });
  t.equal(all.length, 6);
  t.same(all.map((entry) => entry.position), [1, 2, 3, 4, 5, 6], 'in log order');
  const one = (await run(['export', '--user', 'u1'])).stdout.trim().split('\n').map((text) => JSON.parse(text) as { streamId: string; type: string });
  t.same(one.map((entry) => entry.type), ['UserRegistered', 'AccountOpened']);
  t.ok(one.every((entry) => entry.streamId === 'user-u1'));
  const rebuilt = await run(['rebuild']);
  t.match(rebuilt.stderr, /read models rebuilt from 6 events/);
});
