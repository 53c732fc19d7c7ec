/**
 * Events removed, swapped or inserted by plain SQL on the SQLite file: a
 * stream's broken links name the break where they can, and the next signed
 * checkpoint where every stream still looks whole.
 */
import t from 'tap';
import { deleteAt, insertRelinked, swapPositions } from './fixtures/tamper.ts';
import { assertBreak, checkpointStream, freshLog, userStream } from './fixtures/verifyAsAuditor.ts';

t.test('a removed event', async (t) => {
  t.test('in the middle of a stream breaks the link of the event after it', async (t) => {
    const log = await freshLog(t);
    deleteAt(log.file, log.at.aOtpIssued!);
    const line = await assertBreak(t, log, {
      kind: 'stream-broken',
      position: log.at.aOtpVerified!,
      where: userStream(log.users.a),
    });
    t.match(line, 'revision 2 follows 0');
  });

  t.test('that was the last of its stream is caught by the next checkpoint', async (t) => {
    const log = await freshLog(t);
    deleteAt(log.file, log.at.bSessionStarted!);
    const checkpoint = log.checkpoints[2]!;
    const line = await assertBreak(t, log, {
      kind: 'checkpoint-mismatch',
      position: checkpoint.eventPosition,
      where: checkpointStream,
    });
    t.match(line, `the log up to position ${checkpoint.position} is not the one signed`);
  });
});

t.test('two events swapped', async (t) => {
  t.test('in one stream break its order', async (t) => {
    const log = await freshLog(t);
    swapPositions(log.file, log.at.bOtpIssued!, log.at.bOtpVerified!);
    const line = await assertBreak(t, log, {
      kind: 'stream-broken',
      position: log.at.bOtpIssued!,
      where: userStream(log.users.b),
    });
    t.match(line, 'revision 2 follows 0');
  });

  t.test('across streams are caught by the next checkpoint', async (t) => {
    const log = await freshLog(t);
    swapPositions(log.file, log.at.cOtpIssued!, log.at.bSessionStarted!);
    await assertBreak(t, log, {
      kind: 'checkpoint-mismatch',
      position: log.checkpoints[2]!.eventPosition,
      where: checkpointStream,
    });
  });
});

t.test(
  'an inserted event, its hash recomputed and its stream relinked, is caught by the next checkpoint',
  async (t) => {
    const log = await freshLog(t);
    insertRelinked(log.file, log.at.bOtpVerified!, 'SessionStarted', {
      userId: log.users.b,
      sessionId: '0b6f6a8e-5c1e-4a53-9d55-3f0c2b7f0d11',
    });
    // Every row from there on moved one position up, the second checkpoint's event with them.
    const line = await assertBreak(t, log, {
      kind: 'checkpoint-mismatch',
      position: log.checkpoints[1]!.eventPosition + 1,
      where: checkpointStream,
    });
    t.match(line, `the log up to position ${log.checkpoints[1]!.position} is not the one signed`);
  },
);
