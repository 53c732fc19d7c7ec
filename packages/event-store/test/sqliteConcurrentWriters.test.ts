import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { newStreamId } from '../src/contract/contractHelpers.ts';
import { createLogVerifier, createSqliteEventStore, GENESIS_HASH } from '../src/index.ts';

const run = promisify(execFile);
const writerScript = fileURLToPath(new URL('./fixtures/appendWriter.ts', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'event-store-writers-'));
t.teardown(() => rmSync(directory, { recursive: true, force: true }));

/** Runs one writer process; resolves with whether it created the contested stream. */
async function runWriter(plan: Record<string, unknown>): Promise<boolean> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', writerScript, JSON.stringify(plan)]);
  return (JSON.parse(stdout) as { wonContest: boolean }).wonContest;
}

t.test('writer processes sharing one file serialise their appends', async (t) => {
  const path = join(directory, 'events.db');
  // Creating the file first keeps the writers from racing to switch it to WAL.
  await createSqliteEventStore({ path }).close();
  const plan = {
    path,
    sharedStreamId: newStreamId('shared'),
    contestedStreamId: newStreamId('contested'),
    appends: 50,
  };
  const writers = 4;
  const outcomes = await Promise.all(Array.from({ length: writers }, () => runWriter(plan)));
  t.equal(outcomes.filter(Boolean).length, 1, 'exactly one writer created the contested stream');

  const store = createSqliteEventStore({ path });
  t.teardown(() => store.close());
  const shared = await store.readStream(plan.sharedStreamId);
  t.equal(shared.length, writers * plan.appends * 2, 'no append was lost');
  t.same(
    shared.map((event) => event.revision),
    shared.map((_, index) => index),
    'revisions have no gaps or repeats',
  );
  const positions = (await store.readAll()).map((event) => event.position);
  t.same(
    positions,
    positions.map((_, index) => index + 1),
    'positions have no gaps or repeats',
  );
  t.equal(new Set(shared.map((event) => event.data.pid)).size, writers, 'every writer appended to the shared stream');
  t.ok(
    shared.every((event, index) => event.previousHash === (index === 0 ? GENESIS_HASH : shared[index - 1]!.hash)),
    'the shared stream is one chain: no writer forked it',
  );
  const verifier = createLogVerifier({ trustedKeys: [] });
  for (const event of await store.readAll()) verifier.add(event);
  t.equal(verifier.finish().break, undefined, 'the whole log verifies');
});
