/**
 * Replay for auditors and rebuilds:
 *   npm run replay -- rebuild                            rebuild every read model from position 0 and swap it in
 *   npm run --silent replay -- export [--user <userId>]  the event log (or one user's stream) as JSON lines on stdout
 * (`--silent` keeps npm's own banner out of stdout, which carries the export.)
 * Exit status: 0 done, 1 failed, 2 bad usage or configuration, 3 no such user (an export of a user with no events).
 * Reads EVENTSTORE_URL (else DATA_DIR/events.sqlite) and MONGO_URL (else DATA_DIR/views.sqlite); a
 * rebuild also opens personal data with the keyring (KEYS_FILE, else DATA_DIR/keys.json) and the
 * per-user key store (MongoDB database KEYS_DATABASE, else DATA_DIR/personal-data-keys.sqlite).
 * An export holds personal fields as they are stored: encrypted.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { streams } from '@tessera/contracts';
import type { EventStore, RecordedEvent } from '@tessera/event-store';
import { createLogger, type Logger } from '@tessera/logging';
import { createSqliteViewStore } from '@tessera/read-models';
import {
  ConfigError,
  connectEventStore,
  connectPersonalData,
  connectViewStore,
  loadKeyring,
  readEnv,
} from '@tessera/runtime';
import { rebuildReadModels, REPLAY_CACHED_KEYS } from './application/rebuild.ts';

const usage = [
  'usage: npm run replay -- rebuild | npm run --silent replay -- export [--user <userId>]',
  'exit status: 0 done, 1 failed, 2 bad usage or configuration, 3 no such user',
].join('\n');

/** Exit statuses, as the usage lists them. */
const exitStatus = { failed: 1, usage: 2, noSuchUser: 3 } as const;

/** A user has at least the event that created them: an empty stream means nobody by that id. */
class NoSuchUserError extends Error {
  constructor(readonly userId: string) {
    super(`no events for user ${userId}: there is no such user in this event log`);
  }
}

function line(event: RecordedEvent): string {
  const { position, streamId, revision, eventId, type, schemaVersion, data, metadata, recordedAt } = event;
  return `${JSON.stringify({ position, streamId, revision, eventId, type, schemaVersion, recordedAt, data, metadata })}\n`;
}

async function exportLog(eventStore: EventStore, userId: string | undefined) {
  const write = (text: string) =>
    new Promise<void>((resolve) => (process.stdout.write(text) ? resolve() : process.stdout.once('drain', resolve)));
  if (userId !== undefined) {
    const stream = await eventStore.readStream(streams.user(userId));
    if (stream.length === 0) throw new NoSuchUserError(userId);
    for (const event of stream) await write(line(event));
    return;
  }
  for (let after = 0; ;) {
    const page = await eventStore.readAll({ after, maxCount: 5000 });
    if (page.length === 0) return;
    await write(page.map(line).join(''));
    after = page[page.length - 1]!.position;
  }
}

interface RebuildSettings {
  dataDir: string;
  mongoUrl: string | undefined;
  database: string;
  keysDatabase: string;
  keysFile: string;
}

async function rebuild(eventStore: EventStore, settings: RebuildSettings, logger: Logger) {
  const { dataDir, mongoUrl } = settings;
  const sqliteFile = path.join(dataDir, 'views.sqlite');
  // SQLite's views commit in batches: the rebuild then commits once per page instead of once per write.
  const sqliteViews = mongoUrl ? undefined : createSqliteViewStore({ path: sqliteFile });
  const views = sqliteViews ?? (await connectViewStore({ mongoUrl, database: settings.database, sqliteFile }, logger));
  // A replay meets every user once or more, far apart: a cache as large as a live process's would miss nearly every time.
  const { keyStore, protector } = await connectPersonalData(
    {
      mongoUrl,
      database: settings.keysDatabase,
      dataDir,
      hashingKey: loadKeyring(settings.keysFile).hashingKey,
      cachedKeys: REPLAY_CACHED_KEYS,
    },
    logger,
  );
  let lastPrint = 0;
  const result = await rebuildReadModels({
    eventStore,
    views,
    logger,
    personalData: protector,
    ...(sqliteViews ? { commitEachPage: (work) => sqliteViews.batch(work) } : {}),
    onProgress: (progress) => {
      if (Date.now() - lastPrint < 1000 && progress.position < progress.head) return;
      lastPrint = Date.now();
      process.stderr.write(
        `${progress.phase}: ${progress.events} events, position ${progress.position}/${progress.head}, ${progress.eventsPerSecond} events/s\n`,
      );
    },
  });
  await views.close();
  await keyStore.close();
  process.stderr.write(
    `read models rebuilt from ${result.events} events in ${result.seconds.toFixed(1)} s and swapped in\n`,
  );
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { user: { type: 'string' } } });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}\n`);
    process.exit(exitStatus.usage);
  }
  const { positionals, values } = parsed;
  const [command] = positionals;
  if (command !== 'rebuild' && command !== 'export') {
    process.stderr.write(`${usage}\n`);
    process.exit(exitStatus.usage);
  }
  const read = readEnv(process.env);
  const dataDir = path.resolve(read.text('DATA_DIR', './data'));
  const eventStoreUrl = read.optional('EVENTSTORE_URL');
  const mongoUrl = read.optional('MONGO_URL');
  const database = read.text('MONGO_DATABASE', 'tessera');
  const keysDatabase = read.text('KEYS_DATABASE', 'tessera_keys');
  const keysFile = path.resolve(read.text('KEYS_FILE', path.join(dataDir, 'keys.json')));
  read.done();
  // Progress and logs go to stderr: stdout carries the export.
  const logger = createLogger('replay', { level: 'warn', destination: process.stderr as never });
  const eventStore = await connectEventStore({ eventStoreUrl, dataDir }, logger);
  try {
    if (command === 'export') {
      await exportLog(eventStore, values.user);
      return;
    }
    await rebuild(eventStore, { dataDir, mongoUrl, database, keysDatabase, keysFile }, logger);
  } finally {
    await eventStore.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof NoSuchUserError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(exitStatus.noSuchUser);
  }
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(exitStatus.usage);
  }
  process.stderr.write(`replay failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(exitStatus.failed);
});
