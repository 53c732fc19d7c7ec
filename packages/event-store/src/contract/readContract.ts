/**
 * Contract for reads: one stream by revision, and every stream in global order.
 */
import type { Test } from 'tap';
import { idsOf, newEvents, newStreamId, openStore, strictlyIncreasing } from './contractHelpers.ts';
import type { CreateStore } from './contractHelpers.ts';

/** Registers the read tests on `t`. */
export function readContract(t: Test, create: CreateStore): void {
  streamCases(t, create);
  globalOrderCases(t, create);
}

/** One stream: in revision order, from a revision, at most maxCount, empty when unknown. */
function streamCases(t: Test, create: CreateStore): void {
  t.test('a stream reads back in order with revisions from 0', async (t) => {
    const store = await openStore(t, create);
    const streamId = newStreamId();
    const first = newEvents(2);
    const second = newEvents(3);
    await store.append(streamId, first, { expectedRevision: 'no-stream' });
    await store.append(streamId, second, { expectedRevision: 1 });
    const stored = await store.readStream(streamId);
    t.same(idsOf(stored), idsOf([...first, ...second]));
    t.same(
      stored.map((event) => event.revision),
      [0, 1, 2, 3, 4],
    );
    t.ok(
      stored.every((event) => event.streamId === streamId),
      'every event names its stream',
    );
    t.ok(strictlyIncreasing(stored.map((event) => event.position)), 'positions follow revisions');
  });

  t.test('reading a stream from a revision starts at that revision', async (t) => {
    const store = await openStore(t, create);
    const streamId = newStreamId();
    const events = newEvents(5);
    await store.append(streamId, events, { expectedRevision: 'no-stream' });
    const stored = await store.readStream(streamId, { fromRevision: 2 });
    t.same(idsOf(stored), idsOf(events.slice(2)));
    t.same(await store.readStream(streamId, { fromRevision: 5 }), [], 'past the end reads empty');
  });

  t.test('reading a stream with maxCount returns at most that many events', async (t) => {
    const store = await openStore(t, create);
    const streamId = newStreamId();
    const events = newEvents(5);
    await store.append(streamId, events, { expectedRevision: 'no-stream' });
    t.same(idsOf(await store.readStream(streamId, { maxCount: 2 })), idsOf(events.slice(0, 2)));
    t.same(idsOf(await store.readStream(streamId, { fromRevision: 3, maxCount: 10 })), idsOf(events.slice(3)));
    t.same(idsOf(await store.readStream(streamId, { fromRevision: 1, maxCount: 2 })), idsOf(events.slice(1, 3)));
  });

  t.test('an unknown stream reads as empty', async (t) => {
    const store = await openStore(t, create);
    t.same(await store.readStream(newStreamId('unknown')), []);
  });
}

/** Every stream: in global order after a position, at most maxCount, and the head. */
function globalOrderCases(t: Test, create: CreateStore): void {
  t.test('reading all after a position returns later events of every stream in global order', async (t) => {
    const store = await openStore(t, create);
    const head = await store.headPosition();
    const [a, b] = [newStreamId('a'), newStreamId('b')];
    const [a0, b0, a1] = [newEvents(2), newEvents(1), newEvents(2)];
    await store.append(a, a0, { expectedRevision: 'no-stream' });
    await store.append(b, b0, { expectedRevision: 'no-stream' });
    const last = await store.append(a, a1, { expectedRevision: 1 });
    const all = await store.readAll({ after: head });
    const positions = all.map((event) => event.position);
    t.ok(
      positions.every((position) => position > head),
      'only events after the position are returned',
    );
    t.ok(strictlyIncreasing(positions), 'positions strictly increase');
    const ours = all.filter((event) => event.streamId === a || event.streamId === b);
    t.same(idsOf(ours), idsOf([...a0, ...b0, ...a1]), 'events come in the order they were appended');
    t.equal(ours.at(-1)?.position, last.position);
    t.ok((await store.headPosition()) >= last.position, 'the head is at or after the last append');
  });

  t.test('reading all after the position of an event skips that event and earlier ones', async (t) => {
    const store = await openStore(t, create);
    const streamId = newStreamId();
    const events = newEvents(3);
    await store.append(streamId, events, { expectedRevision: 'no-stream' });
    const [first] = await store.readStream(streamId, { maxCount: 1 });
    const later = (await store.readAll({ after: first?.position ?? 0 })).filter((event) => event.streamId === streamId);
    t.same(idsOf(later), idsOf(events.slice(1)));
  });

  t.test('reading all with maxCount returns at most that many events', async (t) => {
    const store = await openStore(t, create);
    const head = await store.headPosition();
    await store.append(newStreamId(), newEvents(3), { expectedRevision: 'no-stream' });
    const page = await store.readAll({ after: head, maxCount: 2 });
    t.equal(page.length, 2);
    t.ok(strictlyIncreasing(page.map((event) => event.position)), 'the page is in global order');
  });

  t.test('the head position advances with every append', async (t) => {
    const store = await openStore(t, create);
    const before = await store.headPosition();
    const result = await store.append(newStreamId(), newEvents(1), { expectedRevision: 'no-stream' });
    const after = await store.headPosition();
    t.ok(after > before, 'the head moved');
    t.ok(after >= result.position, 'the head is at or after the appended event');
  });
}
