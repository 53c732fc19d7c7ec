/**
 * A changed byte anywhere in an event, by plain SQL on the SQLite file, is
 * named by `npm run audit -- verify` with its position and stream; a clean
 * log verifies and reports its unsigned tail.
 */
import t from 'tap';
import { editText, flipCharacterAfter, rowAt, withFile } from './fixtures/tamper.ts';
import { assertBreak, freshLog, userStream, verify } from './fixtures/verifyAsAuditor.ts';

t.test('a clean log verifies, and the unsigned tail after the last checkpoint is reported', async (t) => {
  const log = await freshLog(t);
  const run = await verify(log);
  t.equal(run.status, 0, run.stderr);
  const last = log.checkpoints.at(-1)!;
  t.match(run.stdout, `verified 18 events up to position 18; 3 checkpoints, the last at ${last.position} signed `);
  t.match(run.stdout, `unsigned tail of ${log.unsignedTail} events`);
  t.match(run.stdout, 'passed with --public-key');
});

t.test('a changed byte in an event is named', async (t) => {
  t.test('in its data', async (t) => {
    const log = await freshLog(t);
    const position = log.at.aLoginFailed!;
    editText(log.file, position, 'data', '"consecutiveFailures":1', '"consecutiveFailures":2');
    const line = await assertBreak(t, log, { kind: 'altered', position, where: userStream(log.users.a) });
    t.match(line, 'revision 4', 'and the revision in its stream');
  });

  t.test('in an encrypted personal field: the ciphertext is what the hash covers', async (t) => {
    const log = await freshLog(t);
    const position = log.at.bRegistered!;
    withFile(log.file, (db) => {
      const data = flipCharacterAfter(rowAt(db, position).data, '"phoneNumber":"pd1.');
      db.prepare('UPDATE events SET data = ? WHERE position = ?').run(data, position);
    });
    await assertBreak(t, log, { kind: 'altered', position, where: userStream(log.users.b) });
  });

  t.test('in its metadata', async (t) => {
    const log = await freshLog(t);
    const position = log.at.cRegistered!;
    withFile(log.file, (db) => {
      const metadata = flipCharacterAfter(rowAt(db, position).metadata, '"occurredAt":"2026-11-02T09:00:0');
      db.prepare('UPDATE events SET metadata = ? WHERE position = ?').run(metadata, position);
    });
    await assertBreak(t, log, { kind: 'altered', position, where: userStream(log.users.c) });
  });

  t.test('in its type', async (t) => {
    const log = await freshLog(t);
    const position = log.at.aOtpVerified!;
    editText(log.file, position, 'type', 'OtpVerified', 'OtpVerifies');
    await assertBreak(t, log, { kind: 'altered', position, where: userStream(log.users.a) });
  });

  t.test('that leaves its data no longer JSON', async (t) => {
    const log = await freshLog(t);
    const position = log.at.cOtpIssued!;
    editText(log.file, position, 'data', '{', '[');
    const line = await assertBreak(t, log, { kind: 'altered', position, where: userStream(log.users.c) });
    t.match(line, 'its data is not JSON');
  });
});
