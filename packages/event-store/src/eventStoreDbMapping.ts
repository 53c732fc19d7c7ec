/**
 * Translation between the port's shapes and EventStoreDB's: log positions,
 * revisions, expected revisions and the JSON form events are stored in.
 */
import { ANY, NO_STREAM, START, jsonEvent } from '@eventstore/db-client';
import type {
  AppendExpectedRevision,
  CurrentRevision,
  EventData,
  ReadPosition,
  RecordedEvent as StoredEvent,
} from '@eventstore/db-client';
import type { EventToAppend, ExpectedRevision, RecordedEvent } from './eventStore.ts';

export type { StoredEvent };

// What servers before 22.6 put in the position of an event read from a stream.
const noPosition = 2n ** 64n - 1n;
const largestExactPosition = BigInt(Number.MAX_SAFE_INTEGER);
// The form crypto.randomUUID() produces; EventStoreDB hands ids back in this
// form, so any other spelling would not read back as it was appended.
const canonicalUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An event's link in the chain (ADR 32). */
export interface ChainLink {
  hash: string;
  previousHash: string;
}

/**
 * EventStoreDB has no field for the schema version, so the event's custom
 * metadata wraps the port's metadata together with it, and with the event's
 * link in the chain under `$chain` (absent on events stored before the chain),
 * which is never part of the port's `metadata`.
 */
interface MetadataEnvelope {
  schemaVersion: number;
  metadata: Record<string, unknown>;
  $chain?: ChainLink;
}

/** The event as EventStoreDB stores it: JSON data, the envelope as metadata, the port's id. */
export function toEventData(event: EventToAppend, chain: ChainLink): EventData {
  const envelope: MetadataEnvelope = { schemaVersion: event.schemaVersion, metadata: event.metadata, $chain: chain };
  return jsonEvent({ id: event.eventId, type: event.type, data: event.data, metadata: envelope });
}

/** The event's stored link, or undefined for an event stored before the chain. */
export function chainLinkOf(stored: StoredEvent): ChainLink | undefined {
  const chain = isEnvelope(stored.metadata) ? stored.metadata.$chain : undefined;
  return isObject(chain) && typeof chain.hash === 'string' && typeof chain.previousHash === 'string'
    ? { hash: chain.hash, previousHash: chain.previousHash }
    : undefined;
}

/**
 * Maps an event read back to the port's shape.
 * @throws Error for an event this adapter did not write (no envelope, or not JSON).
 */
export function toRecordedEvent(stored: StoredEvent): RecordedEvent {
  const { data, metadata } = stored;
  if (!stored.isJson || !isObject(data) || !isEnvelope(metadata)) {
    throw new Error(
      `event ${stored.id} in stream ${stored.streamId} was not written through this adapter (expected JSON data and metadata envelope)`,
    );
  }
  const link = chainLinkOf(stored);
  return {
    streamId: stored.streamId,
    revision: Number(stored.revision),
    position: toPortPosition(stored.position?.commit, stored),
    eventId: stored.id,
    type: stored.type,
    schemaVersion: metadata.schemaVersion,
    data,
    metadata: metadata.metadata,
    recordedAt: stored.created.toISOString(),
    // An event stored before the chain reads as unchained: a verifier reports it as such.
    hash: link?.hash ?? '',
    previousHash: link?.previousHash ?? '',
  };
}

/**
 * The port's position of an event: its commit position, the byte offset of
 * the event in the transaction log, which grows with every write.
 * @throws RangeError past 2^53 bytes, where a number would no longer be exact.
 */
export function toPortPosition(commit: bigint | undefined, event: { id: string; streamId: string }): number {
  if (commit === undefined || commit === noPosition) {
    throw new Error(
      `EventStoreDB returned no log position for event ${event.id} in stream ${event.streamId}; this adapter needs server 22.6 or later`,
    );
  }
  if (commit > largestExactPosition) {
    throw new RangeError(
      `log position ${commit} of event ${event.id} is beyond the positions a number can hold exactly`,
    );
  }
  return Number(commit);
}

/**
 * Where a forward read or subscription starts for `after` (0: the beginning).
 * `after` must be 0 or a position this store returned: the server reads the
 * log from that byte offset, and only event positions are record boundaries.
 * Reads from an event's position include that event; callers skip it.
 */
export function toReadPosition(after: number): ReadPosition {
  if (!Number.isSafeInteger(after) || after < 0) throw new RangeError(`invalid position ${after}`);
  return after === 0 ? START : { commit: BigInt(after), prepare: BigInt(after) };
}

/** The client's expected revision for the port's. */
export function toExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'no-stream') return NO_STREAM;
  if (expected === 'any') return ANY;
  if (!Number.isSafeInteger(expected) || expected < 0) throw new RangeError(`invalid expected revision ${expected}`);
  return BigInt(expected);
}

/** The port's view of a stream's current revision as reported with a conflict. */
export function toActualRevision(current: CurrentRevision): number | 'no-stream' {
  return current === NO_STREAM ? 'no-stream' : Number(current);
}

/** Events the server writes for itself ($-prefixed types or streams), which the port never shows. */
export function isSystemEvent(event: { type: string; streamId: string }): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

/**
 * Refuses batches the server would reject less clearly, or store differently.
 * @throws Error for an empty batch, a malformed id or an id repeated in the batch.
 */
export function assertValidBatch(streamId: string, events: EventToAppend[]): void {
  if (events.length === 0) throw new Error('cannot append an empty batch');
  const seen = new Set<string>();
  for (const { eventId } of events) {
    if (!canonicalUuid.test(eventId)) {
      throw new Error(`event id ${eventId} is not a lower-case UUID; EventStoreDB identifies events by UUID`);
    }
    if (seen.has(eventId)) throw new Error(`event id ${eventId} appears twice in the batch for stream ${streamId}`);
    seen.add(eventId);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function isEnvelope(value: unknown): value is MetadataEnvelope {
  return isObject(value) && Number.isInteger(value.schemaVersion) && isObject(value.metadata);
}
