/**
 * Verifying the copy of the log on Kafka, without a broker: the events as
 * the topic delivers them (at least once, partitions interleaved) verify
 * once put back in order, and two different copies of one event are a break.
 */
import t from 'tap';
import { publicPartOf } from '@tessera/event-store';
import { deliveredCopiesLog, type LoggedEvent } from '../src/sources/logSource.ts';
import { openSqliteLog } from '../src/sources/sqliteLog.ts';
import { verifyLog } from '../src/verifyLog.ts';
import { freshLog } from './fixtures/verifyAsAuditor.ts';

async function storedEvents(file: string): Promise<LoggedEvent[]> {
  const source = openSqliteLog(file);
  const events: LoggedEvent[] = [];
  for await (const event of source.events(0)) events.push(event);
  await source.close();
  return events;
}

const topicSource = (copies: LoggedEvent[]) => deliveredCopiesLog('the topic', copies);

/** Partitions keyed by user deliver each user's events in order, the partitions interleaved, some twice. */
function asDelivered(events: LoggedEvent[]): LoggedEvent[] {
  const odd = events.filter((event) => event.position % 2 === 1);
  const even = events.filter((event) => event.position % 2 === 0);
  return [...even, ...odd, ...odd.slice(0, 3).map((event) => structuredClone(event))];
}

t.test('the events as a topic delivers them verify once put back in order', async (t) => {
  const log = await freshLog(t);
  const events = await storedEvents(log.file);
  const outcome = await verifyLog(topicSource(asDelivered(events)), { trustedKeys: [publicPartOf(log.auditKey)] });
  t.notOk(outcome.report.break, 'no break');
  t.equal(outcome.checked, 18, 'each event counted once');
  t.equal(outcome.report.checkpoints, 3);
  t.equal(outcome.report.unsignedTail, log.unsignedTail);
});

t.test('two different copies of one event on the topic are named as an alteration', async (t) => {
  const log = await freshLog(t);
  const events = await storedEvents(log.file);
  const original = events.find((event) => event.position === log.at.bRegistered)!;
  const altered = { ...structuredClone(original), data: { ...original.data, roles: ['admin'] } };
  const outcome = await verifyLog(topicSource([...events, altered]), { trustedKeys: [publicPartOf(log.auditKey)] });
  t.match(outcome.report.break, {
    kind: 'altered',
    position: log.at.bRegistered,
    streamId: `user-${log.users.b}`,
    detail: `the topic holds two different copies of event ${original.eventId}`,
  });
});
