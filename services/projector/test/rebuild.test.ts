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
import { openViews } from '@tessera/read-models/views';
import { createProjector, rebuildReadModels } from '../src/index.ts';
import { toEventMessage } from '@tessera/contracts';

const event = (type: string, data: Record<string, unknown>) => ({
  eventId: randomUUID(),
  type,
  schemaVersion: 1,
  data,
  metadata: { correlationId: 'c' },
});

async function seed(dir: string, users: number) {
  const store = createSqliteEventStore({ path: path.join(dir, 'events.sqlite') });
  for (let index = 0; index < users; index += 1) {
    const userId = `u${index}`;
    await store.append(`user-${userId}`, [
      event('UserRegistered', {
        userId,
        email: `${userId}@example.com`,
        phoneNumber: '+33612345678',
        passwordHash: 'h',
        roles: ['USER'],
        clientId: 'c1',
      }),
      event('AccountOpened', { userId, accountId: `a${index}`, kind: 'MAIN' }),
    ]);
  }
  return store;
}

t.test(
  'a rebuild reproduces the views from the log, drops what the log does not hold, and swaps them in',
  async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rebuild-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const eventStore = await seed(dir, 25);
    const views = createSqliteViewStore({ path: path.join(dir, 'views.sqlite') });
    const { users, accounts } = openViews(views);
    await users.upsert('ghost', { userId: 'ghost' } as never, 1);
    const progress: string[] = [];
    const keyStore = createSqliteKeyStore({ path: path.join(dir, 'keys.sqlite') });
    const personalData = createPersonalDataProtector({
      keyStore,
      keyEncryptionKey: deriveKeyEncryptionKey(generateSecretKey()),
    });
    const result = await rebuildReadModels({
      eventStore,
      views,
      commitEachPage: (work) => views.batch(work),
      personalData,
      logger: createLogger('test', { level: 'silent' }),
      onProgress: (p) => progress.push(p.phase),
    });
    t.equal(result.events, 50);
    t.equal(await users.get('ghost'), undefined, 'a document no event produced is gone');
    t.match(await users.get('u7'), { email: 'u7@example.com', accounts: [{ accountId: 'a7' }] });
    t.match(await accounts.get('a24'), { userId: 'u24', kind: 'MAIN' });
    t.equal(await views.getCheckpoint('projector'), 50);
    t.ok(progress.includes('rebuilding'), 'progress is reported');
    await views.close();
    await keyStore.close();
    await eventStore.close();
  },
);

t.test(
  'a rebuild, which writes each page of documents once, ends with the same documents as projecting the log event by event',
  async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rebuild-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const eventStore = createSqliteEventStore({ path: path.join(dir, 'events.sqlite') });
    const users = 40;
    // Interleaved users, several events each, sessions started and some revoked: documents rewritten many times per page.
    for (let round = 0; round < 4; round += 1) {
      for (let index = 0; index < users; index += 1) {
        const userId = `u${index}`;
        const stream = `user-${userId}`;
        if (round === 0) {
          await eventStore.append(stream, [
            event('UserRegistered', {
              userId,
              email: `${userId}@example.com`,
              phoneNumber: '+33612345678',
              passwordHash: 'h',
              roles: ['USER'],
              clientId: 'c1',
            }),
            event('AccountOpened', { userId, accountId: `a${index}`, kind: 'MAIN' }),
          ]);
        } else {
          const familyId = `f${index}-${round}`;
          await eventStore.append(stream, [
            event('SessionStarted', {
              userId,
              sessionId: `s${index}-${round}`,
              familyId,
              refreshTokenHash: 'r',
              expiresAt: '2030-01-01T00:00:00.000Z',
            }),
            ...(round === 1 ? [event('PhoneNumberVerified', { userId })] : []),
            ...(index % 3 === round % 3
              ? [event('SessionsRevoked', { userId, familyIds: [familyId], reason: 'LOGOUT' })]
              : []),
          ]);
        }
      }
    }
    const keyStore = createSqliteKeyStore({ path: path.join(dir, 'keys.sqlite') });
    const personalData = createPersonalDataProtector({
      keyStore,
      keyEncryptionKey: deriveKeyEncryptionKey(generateSecretKey()),
    });
    const logger = createLogger('test', { level: 'silent' });
    const live = createSqliteViewStore({ path: path.join(dir, 'live.sqlite') });
    const projector = createProjector({ store: live, logger, personalData });
    for (const recorded of await eventStore.readAll()) await projector.handle(toEventMessage(recorded));
    const rebuilt = createSqliteViewStore({ path: path.join(dir, 'rebuilt.sqlite') });
    await rebuildReadModels({
      eventStore,
      views: rebuilt,
      personalData,
      logger,
      commitEachPage: (work) => rebuilt.batch(work),
    });

    const [a, b] = [openViews(live), openViews(rebuilt)];
    t.same(await b.users.findBy('clientId', 'c1'), await a.users.findBy('clientId', 'c1'), 'every user document');
    for (let index = 0; index < users; index += 1) {
      t.same(await b.accounts.get(`a${index}`), await a.accounts.get(`a${index}`));
      for (let round = 1; round < 4; round += 1)
        t.same(await b.sessions.get(`f${index}-${round}`), await a.sessions.get(`f${index}-${round}`));
    }
    t.equal(await rebuilt.getCheckpoint('projector'), await live.getCheckpoint('projector'));
    t.equal((await b.users.findBy('clientId', 'c1')).length, users);
    await live.close();
    await rebuilt.close();
    await keyStore.close();
    await eventStore.close();
  },
);

t.test('the replay CLI exports the log, or one user’s stream, as JSON lines', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'export-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  await (await seed(dir, 3)).close();
  createKeyringFile(path.join(dir, 'keys.json'));
  const run = (args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'services/projector/src/replayCli.ts', ...args], {
      env: { ...process.env, DATA_DIR: dir },
    });
  const all = (await run(['export'])).stdout
    .trim()
    .split('\n')
    .map((text) => JSON.parse(text) as { position: number; type: string; streamId: string });
  t.equal(all.length, 6);
  t.same(
    all.map((entry) => entry.position),
    [1, 2, 3, 4, 5, 6],
    'in log order',
  );
  const one = (await run(['export', '--user', 'u1'])).stdout
    .trim()
    .split('\n')
    .map((text) => JSON.parse(text) as { streamId: string; type: string });
  t.same(
    one.map((entry) => entry.type),
    ['UserRegistered', 'AccountOpened'],
  );
  t.ok(one.every((entry) => entry.streamId === 'user-u1'));
  const rebuilt = await run(['rebuild']);
  t.match(rebuilt.stderr, /read models rebuilt from 6 events/);
});

t.test(
  '`npm run --silent replay -- export`, as documented, gives nothing but the JSON lines; an unknown user is named on stderr with status 3',
  async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'export-npm-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    await (await seed(dir, 2)).close();
    const npm = (args: string[]) =>
      promisify(execFile)('npm', ['run', '--silent', 'replay', '--', ...args], {
        env: { ...process.env, DATA_DIR: dir },
      });
    const exported = (await npm(['export'])).stdout.trim().split('\n');
    t.equal(exported.length, 4, 'every event, one line each');
    t.ok(
      exported.every((text) => typeof (JSON.parse(text) as { position: unknown }).position === 'number'),
      'every line is an event in JSON',
    );
    const unknown = await npm(['export', '--user', 'nobody-here']).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    t.equal(unknown?.code, 3, 'a user without events exits with the documented status');
    t.match(unknown?.stderr, /no events for user nobody-here/, 'and says so on stderr');
    t.equal(unknown?.stdout, '', 'nothing on stdout');
  },
);
