/**
 * A tail cut back to a checkpoint, and checkpoints forged, by plain SQL on the
 * SQLite file: SQLite's own record of the positions it gave, a checkpoint the
 * auditor kept and the audit key's signature each catch what they can.
 */
import t from 'tap';
import { generateAuditKey, signCheckpoint, type SignedCheckpoint } from '@tessera/event-store';
import { rewriteData, rowAt, truncateAfter, withFile } from './fixtures/tamper.ts';
import { assertBreak, checkpointStream, freshLog, verify } from './fixtures/verifyAsAuditor.ts';

t.test('a tail cut back to exactly a checkpoint', async (t) => {
  t.test('is caught by the highest position SQLite gave', async (t) => {
    const log = await freshLog(t);
    const last = log.checkpoints.at(-1)!;
    truncateAfter(log.file, last.eventPosition);
    const line = await assertBreak(t, log, {
      kind: 'truncated',
      position: last.eventPosition,
      where: 'the end of the log',
    });
    t.match(line, 'the store gave positions up to 18');
  });

  t.test('with SQLite’s record edited too, by the checkpoint the auditor kept', async (t) => {
    const log = await freshLog(t);
    // The auditor kept the last checkpoint of an earlier run; the log is then cut back to the one before.
    const kept = log.checkpoints.at(-1)!;
    const earlier = log.checkpoints.at(-2)!;
    truncateAfter(log.file, earlier.eventPosition, true);
    const unaware = await verify(log);
    t.equal(unaware.status, 0, 'without the kept checkpoint the cut log verifies: nothing in it tells');
    t.match(unaware.stdout, `verified ${earlier.eventPosition} events up to position ${earlier.eventPosition}`);
    const line = await assertBreak(
      t,
      log,
      { kind: 'truncated', position: earlier.eventPosition, where: 'the end of the log' },
      ['--expect-checkpoint', `${kept.position}:${kept.logHash}`],
    );
    t.match(line, `no longer holds the checkpoint kept at position ${kept.position}`);
  });
});

t.test('a forged checkpoint', async (t) => {
  t.test('signed with another key is refused', async (t) => {
    const log = await freshLog(t);
    const target = log.checkpoints[1]!;
    const forger = generateAuditKey();
    const {
      signature: _signature,
      keyId: _keyId,
      ...body
    } = JSON.parse(readData(log.file, target.eventPosition)) as SignedCheckpoint;
    // The operator gives the event the hash of its new content, so only the signature can tell.
    rewriteData(log.file, target.eventPosition, { ...signCheckpoint(forger, body) });
    const line = await assertBreak(t, log, {
      kind: 'bad-signature',
      position: target.eventPosition,
      where: checkpointStream,
    });
    t.match(line, `signed by key ${forger.keyId}, not a trusted one`);
  });

  t.test('with an edited field no longer verifies', async (t) => {
    const log = await freshLog(t);
    const target = log.checkpoints[1]!;
    const signed = JSON.parse(readData(log.file, target.eventPosition)) as SignedCheckpoint;
    rewriteData(log.file, target.eventPosition, { ...signed, events: signed.events - 1 });
    const line = await assertBreak(t, log, {
      kind: 'bad-signature',
      position: target.eventPosition,
      where: checkpointStream,
    });
    t.match(line, 'its signature does not verify');
  });
});

function readData(file: string, position: number): string {
  return withFile(file, (db) => rowAt(db, position).data);
}
