/**
 * Contract for the chain (ADR 32): every stored event carries the hash of its
 * content and of its stream predecessor, retries keep them, concurrent
 * writers never fork a stream, and a log freshly written verifies clean.
 */
import type { Test } from 'tap';
import { eventHash, GENESIS_HASH } from '../chain.ts';
import type { EventStore, RecordedEvent } from '../eventStore.ts';
import { WrongExpectedRevisionError } from '../eventStore.ts';
import { createLogVerifier } from '../logVerifier.ts';
import { idsOf, newEvent, newEvents, newStreamId, openStore } from './contractHelpers.ts';
import type { CreateStore } from './contractHelpers.ts';

const sha256Hex = /^[0-9a-f]{64}$/;

/** Registers the chain tests on `t`. */
export function chainContract(t: Test, create: CreateStore): void {
  hashCases(t, create);
  concurrencyCases(t, create);
  verifierCases(t, create);
}

/** Which of `events` do not hold the hash of their content and their predecessor's, by revision. */
function brokenLinks(events: RecordedEvent[]): number[] {
  return events.flatMap((event, index) => {
    const previousHash = index === 0 ? GENESIS_HASH : events[index - 1]!.hash;
    const intact =
      event.revision === index &&
      sha256Hex.test(event.hash) &&
      event.previousHash === previousHash &&
      event.hash === eventHash({ ...event, previousHash });
    return intact ? [] : [event.revision];
  });
}

function hashCases(t: Test, create: CreateStore): void {
  t.test("each event's hash covers its content and its predecessor's hash", async (t) => {
    const store = await openStore(t, create);
    const streamId = newStreamId();
    const first = await store.append(streamId, newEvents(2), { expectedRevision: 'no-stream' });
    const personal = newEvent('ContractPersonal', { email: 'pd1.ciphertext', when: '2026-12-07T05:00:00.000Z' });
    await store.append(streamId, [personal, newEvent()], { expectedRevision: first.nextExpectedRevision });
    const stored = await store.readStream(streamId);
    t.equal(stored[0]?.previousHash, GENESIS_HASH, 'the first event names the genesis hash');
    t.same(brokenLinks(stored), [], 'every event is chained to the one before it');
    const inOrder = (await store.readAll({ after: stored[0]!.position - 1 })).filter((e) => e.streamId === streamId);
    t.same(
      inOrder.map((event) => event.hash),
      stored.map((event) => event.hash),
      'the global order carries the same hashes',
    );
  });

  t.test('a retried batch keeps the hashes it was stored with', async (t) => {
    const store = await openStore(t, create);
    const streamId = newStreamId();
    const batch = newEvents(3);
    const first = await store.append(streamId, batch, { expectedRevision: 'no-stream' });
    const before = await store.readStream(streamId);
    await store.append(streamId, newEvents(1), { expectedRevision: first.nextExpectedRevision });
    t.same(await store.append(streamId, batch, { expectedRevision: 'any' }), first, 'the original result');
    const after = await store.readStream(streamId);
    t.same(
      after.slice(0, 3).map((event) => event.hash),
      before.map((event) => event.hash),
      'the stored events were not rewritten',
    );
    t.same(brokenLinks(after), []);
  });
}

function concurrencyCases(t: Test, create: CreateStore): void {
  t.test('concurrent appends to one stream never fork its chain', async (t) => {
    const store = await openStore(t, create);
    const streamId = newStreamId();
    await store.append(streamId, newEvents(1), { expectedRevision: 'no-stream' });
    const batches = Array.from({ length: 12 }, () => newEvents(2));
    const outcomes = await Promise.allSettled(
      batches.map((batch, index) => store.append(streamId, batch, { expectedRevision: index % 2 === 0 ? 'any' : 0 })),
    );
    const stored = await store.readStream(streamId);
    t.same(brokenLinks(stored), [], 'one unbroken chain');
    const storedIds = new Set(idsOf(stored));
    outcomes.forEach((outcome, index) => {
      const ids = idsOf(batches[index]!);
      if (outcome.status === 'fulfilled')
        t.ok(
          ids.every((id) => storedIds.has(id)),
          `batch ${index} is stored`,
        );
      else {
        t.ok(outcome.reason instanceof WrongExpectedRevisionError, `batch ${index} was refused as a conflict`);
        t.ok(
          ids.every((id) => !storedIds.has(id)),
          `and batch ${index} is not stored`,
        );
      }
    });
  });
}

function verifierCases(t: Test, create: CreateStore): void {
  t.test('a freshly written log verifies clean', async (t) => {
    const store = await openStore(t, create);
    const streamIds = [newStreamId('a'), newStreamId('b'), newStreamId('c')];
    const head = await store.headPosition();
    const revisions = new Map<string, number>();
    for (let round = 0; round < 4; round += 1) {
      await Promise.all(
        streamIds.map(async (streamId) => {
          const result = await store.append(streamId, newEvents(round + 1), {
            expectedRevision: revisions.get(streamId) ?? 'no-stream',
          });
          revisions.set(streamId, result.nextExpectedRevision);
        }),
      );
    }
    const written = await ownEvents(store, streamIds, head);
    const verifier = createLogVerifier({ trustedKeys: [] });
    for (const event of written) verifier.add(event);
    const report = verifier.finish();
    t.equal(report.break, undefined, 'no break');
    t.equal(report.events, 30, 'every event was checked');
    t.equal(report.unsignedTail, 30, 'with no checkpoint, all of it is an unsigned tail');
  });
}

/** The events of `streamIds` after `head`, in global order (a shared store holds others too). */
async function ownEvents(store: EventStore, streamIds: string[], head: number): Promise<RecordedEvent[]> {
  const owned = new Set(streamIds);
  return (await store.readAll({ after: head })).filter((event) => owned.has(event.streamId));
}
