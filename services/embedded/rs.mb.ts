import { createSqliteEventStore } from '@tessera/event-store';
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
const store = createSqliteEventStore({ path: '/tmp/mb/ev.sqlite' });
const ids: string[] = [];
for (let u = 0; u < 3000; u++) {
  const s = `user-${randomUUID()}`; ids.push(s);
  for (let r = 0; r < 12; r++) await store.append(s, [{ eventId: randomUUID(), type: 'X', schemaVersion: 1, data: { a: 'x'.repeat(300) }, metadata: { c: 'y' } }]);
}
const rev = new Map(ids.map((id) => [id, 12]));
for (const round of [0,1,2,3,4]) {
  let t = performance.now();
  for (let i = 0; i < 20000; i++) { const id = ids[i % ids.length]!; await store.readStream(id, { fromRevision: rev.get(id)! }); }
  const r = ((performance.now() - t) * 1000 / 20000).toFixed(1);
  t = performance.now();
  for (let i = 0; i < 5000; i++) { const id = ids[i % ids.length]!; await store.append(id, [{ eventId: randomUUID(), type: 'X', schemaVersion: 1, data: { a: 'x'.repeat(300) }, metadata: { c: 'y' } }]); rev.set(id, rev.get(id)! + 1); }
  console.log('readStream µs', r, 'append µs', ((performance.now() - t) * 1000 / 5000).toFixed(1), 'wal MB', (statSync('/tmp/mb/ev.sqlite-wal').size/1e6).toFixed(1));
}
