/**
 * Contract for catch-up subscriptions: history first, then live events, one
 * at a time, and nothing after stop or a handler failure.
 */
import type { Test } from 'tap';
import type { RecordedEvent } from '../eventStore.ts';
import {
  collect,
  idsOf,
  newEvents,
  newStreamId,
  openStore,
  sleep,
  strictlyIncreasing,
  waitUntil,
} from './contractHelpers.ts';
import type { CreateStore } from './contractHelpers.ts';

/** How long to watch for deliveries that must not happen; longer than a poll cycle. */
const quietPeriodMs = 400;

/** Registers the subscription tests on `t`. */
export function subscriptionContract(t: Test, create: CreateStore): void {
  deliveryCases(t, create);
  stopCases(t, create);
  handlerCases(t, create);
}

/** What is delivered: history, then live events, each once, in order, after the start position. */
function deliveryCases(t: Test, create: CreateStore): void {
  t.test('a subscription delivers stored events, catches up, then delivers live ones in order once', async (t) => {
    const store = await openStore(t, create);
    const [a, b] = [newStreamId('a'), newStreamId('b')];
    const head = await store.headPosition();
    const historic = newEvents(3);
    await store.append(a, historic, { expectedRevision: 'no-stream' });
    const collector = collect(t, store, [a, b], head);
    await collector.subscription.caughtUp;
    t.same(idsOf(collector.received), idsOf(historic), 'stored events are handled before catching up');

    const [live1, live2, live3] = [newEvents(2), newEvents(1), newEvents(2)];
    await store.append(b, live1, { expectedRevision: 'no-stream' });
    await store.append(a, live2, { expectedRevision: 2 });
    const last = await store.append(b, live3, { expectedRevision: 1 });
    const expected = idsOf([...historic, ...live1, ...live2, ...live3]);
    await waitUntil(() => collector.received.length >= expected.length, 'live events');
    await sleep(quietPeriodMs);
    t.same(idsOf(collector.received), expected, 'every event arrives once, in append order');
    t.ok(strictlyIncreasing(collector.positions), 'deliveries follow the global order');
    t.ok(collector.subscription.position >= last.position, 'position reflects the last handled event');
    t.same(collector.errors, []);
  });

  t.test('a subscription from a position skips the events up to it', async (t) => {
    const store = await openStore(t, create);
    const streamId = newStreamId();
    const events = newEvents(3);
    await store.append(streamId, events.slice(0, 1), { expectedRevision: 'no-stream' });
    const skipped = await store.append(streamId, events.slice(1, 2), { expectedRevision: 0 });
    await store.append(streamId, events.slice(2), { expectedRevision: 1 });
    const collector = collect(t, store, [streamId], skipped.position);
    await collector.subscription.caughtUp;
    t.same(idsOf(collector.received), idsOf(events.slice(2)));
    t.ok(
      collector.positions.every((position) => position > skipped.position),
      'nothing at or before the position',
    );
  });
}

/** Stopping: nothing delivered afterwards, and not before the event in hand is handled. */
function stopCases(t: Test, create: CreateStore): void {
  t.test('a stopped subscription delivers nothing more', async (t) => {
    const store = await openStore(t, create);
    const streamId = newStreamId();
    const collector = collect(t, store, [streamId], await store.headPosition());
    await collector.subscription.caughtUp;
    await store.append(streamId, newEvents(1), { expectedRevision: 'no-stream' });
    await waitUntil(() => collector.received.length === 1, 'the first event');
    await collector.subscription.stop();
    await store.append(streamId, newEvents(2), { expectedRevision: 0 });
    await sleep(quietPeriodMs);
    t.equal(collector.received.length, 1, 'events appended after stop are not delivered');
  });

  t.test('stopping waits for the event being handled', async (t) => {
    const store = await openStore(t, create);
    const streamId = newStreamId();
    let started = false;
    let finished = false;
    const subscription = store.subscribeToAll(
      async (event) => {
        if (event.streamId !== streamId) return;
        started = true;
        await sleep(150);
        finished = true;
      },
      { after: await store.headPosition() },
    );
    await store.append(streamId, newEvents(1), { expectedRevision: 'no-stream' });
    await waitUntil(() => started, 'the handler to start');
    await subscription.stop();
    t.ok(finished, 'stop resolved only after the handler finished');
  });
}

/** Handlers: one at a time, and a failure reported once and ending the subscription. */
function handlerCases(t: Test, create: CreateStore): void {
  t.test('a subscription handles one event at a time', async (t) => {
    const store = await openStore(t, create);
    const streamId = newStreamId();
    let active = 0;
    let mostActive = 0;
    const handled: RecordedEvent[] = [];
    const subscription = store.subscribeToAll(
      async (event) => {
        if (event.streamId !== streamId) return;
        active += 1;
        mostActive = Math.max(mostActive, active);
        await sleep(5);
        handled.push(event);
        active -= 1;
      },
      { after: await store.headPosition() },
    );
    t.teardown(() => subscription.stop());
    await store.append(streamId, newEvents(3), { expectedRevision: 'no-stream' });
    await store.append(streamId, newEvents(3), { expectedRevision: 2 });
    await waitUntil(() => handled.length === 6, 'six events');
    t.equal(mostActive, 1, 'handlers never overlap');
    t.same(
      handled.map((event) => event.revision),
      [0, 1, 2, 3, 4, 5],
    );
  });

  t.test('a failing handler is reported to onError and ends the subscription', async (t) => {
    const store = await openStore(t, create);
    const streamId = newStreamId();
    const failure = new Error('handler failed');
    const reported: unknown[] = [];
    let calls = 0;
    const subscription = store.subscribeToAll(
      async (event) => {
        if (event.streamId !== streamId) return;
        calls += 1;
        throw failure;
      },
      { after: await store.headPosition(), onError: (error) => reported.push(error) },
    );
    t.teardown(() => subscription.stop());
    await store.append(streamId, newEvents(1), { expectedRevision: 'no-stream' });
    await waitUntil(() => reported.length > 0, 'the failure to be reported');
    await store.append(streamId, newEvents(1), { expectedRevision: 0 });
    await sleep(quietPeriodMs);
    t.equal(reported.length, 1, 'the error is reported once');
    t.equal(reported[0], failure, 'onError receives what the handler threw');
    t.equal(calls, 1, 'no event is delivered after the failure');
  });
}
