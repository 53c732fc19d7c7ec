/**
 * Checks an event log against its chain and its signed checkpoints (ADR 32),
 * one event at a time in global order, and names the first break.
 */
import { eventHash, GENESIS_HASH, nextLogHash } from './chain.ts';
import {
  CHECKPOINT_EVENT_TYPE,
  CHECKPOINT_STREAM,
  checkpointSignatureValid,
  type AuditPublicKey,
  type SignedCheckpoint,
} from './checkpoints.ts';

/** An event as the log holds it, with its chain. */
export interface ChainedEvent {
  position: number;
  streamId: string;
  revision: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  hash?: string | undefined;
  previousHash?: string | undefined;
}

export type BreakKind =
  /** The event's content no longer gives its hash: a changed byte. */
  | 'altered'
  /** An event has no hash: written around the store, or the column emptied. */
  | 'unchained'
  /** A stream skips revisions, or its event does not name its predecessor's hash: removed, inserted or reordered. */
  | 'stream-broken'
  /** The global order up to a signed checkpoint is not the one signed: removed, inserted or reordered across streams. */
  | 'checkpoint-mismatch'
  /** A checkpoint whose signature does not verify with the trusted keys. */
  | 'bad-signature'
  /** The log ends before a point it is known to have reached: a truncated tail. */
  | 'truncated';

export interface LogBreak {
  kind: BreakKind;
  position: number;
  streamId: string;
  revision?: number;
  detail: string;
}

export interface VerifyOptions {
  /** The keys an auditor trusts, given out of band; checkpoints signed by any other key are breaks. */
  trustedKeys: AuditPublicKey[];
  /** A checkpoint the auditor kept from an earlier look (its position and log hash): the log must still hold it. */
  expectCheckpoint?: { position: number; logHash: string };
  /** The highest global position the store ever assigned (SQLite's sequence), where the store records it. */
  highestAssignedPosition?: number;
}

export interface VerifyReport {
  events: number;
  lastPosition: number;
  logHash: string;
  checkpoints: number;
  lastCheckpoint?: SignedCheckpoint;
  /** Events after the last checkpoint's position: chained, but vouched for by no signature yet. */
  unsignedTail: number;
  break?: LogBreak;
}

interface LogPoint {
  events: number;
  logHash: string;
}

/** A running verification: feed it the log in global order, then `finish()`. */
export function createLogVerifier(options: VerifyOptions) {
  const streams = new Map<string, { revision: number; hash: string }>();
  /** Log hashes at the positions a coming checkpoint may name: since the last verified checkpoint. */
  const pending = new Map<number, LogPoint>();
  let logHash = GENESIS_HASH;
  let count = 0;
  let lastPosition = 0;
  let checkpoints = 0;
  let lastCheckpoint: SignedCheckpoint | undefined;
  let found: LogBreak | undefined;
  let expectedSeen = options.expectCheckpoint === undefined;

  const fail = (event: ChainedEvent, kind: BreakKind, detail: string) => {
    found = { kind, position: event.position, streamId: event.streamId, revision: event.revision, detail };
  };

  function checkStream(event: ChainedEvent): boolean {
    const { hash, previousHash } = event;
    if (!hash || !previousHash) return (fail(event, 'unchained', 'the event carries no hash'), false);
    if (eventHash({ ...event, previousHash }) !== hash) {
      return (fail(event, 'altered', 'its content does not give its stored hash'), false);
    }
    const before = streams.get(event.streamId);
    const expected = before ? before.revision + 1 : 0;
    if (event.revision !== expected) {
      const detail = `revision ${event.revision} follows ${expected - 1} in its stream: events removed, inserted or reordered`;
      return (fail(event, 'stream-broken', detail), false);
    }
    if (previousHash !== (before?.hash ?? GENESIS_HASH)) {
      return (fail(event, 'stream-broken', 'it does not name the hash of the event before it in its stream'), false);
    }
    streams.set(event.streamId, { revision: event.revision, hash });
    return true;
  }

  function checkCheckpoint(event: ChainedEvent): boolean {
    const checkpoint = event.data as unknown as SignedCheckpoint;
    const key = options.trustedKeys.find((trusted) => trusted.keyId === checkpoint.keyId);
    if (!key || !checkpointSignatureValid(checkpoint, key)) {
      const why = key
        ? 'its signature does not verify'
        : `it is signed by key ${String(checkpoint.keyId)}, not a trusted one`;
      return (fail(event, 'bad-signature', why), false);
    }
    const point = pending.get(checkpoint.position);
    if (!point || point.events !== checkpoint.events || point.logHash !== checkpoint.logHash) {
      const since = lastCheckpoint ? `after position ${lastCheckpoint.position}` : 'from the start';
      const detail = `the log up to position ${checkpoint.position} is not the one signed: events ${since} were removed, inserted, reordered or rewritten`;
      return (fail(event, 'checkpoint-mismatch', detail), false);
    }
    for (const position of pending.keys()) if (position <= checkpoint.position) pending.delete(position);
    checkpoints += 1;
    lastCheckpoint = checkpoint;
    return true;
  }

  return {
    /** Checks one more event; false once a break is found (later events are not looked at). */
    add(event: ChainedEvent): boolean {
      if (found) return false;
      if (!checkStream(event)) return false;
      logHash = nextLogHash(logHash, event.hash!);
      count += 1;
      lastPosition = event.position;
      pending.set(event.position, { events: count, logHash });
      const expect = options.expectCheckpoint;
      if (expect && event.position === expect.position) expectedSeen = logHash === expect.logHash;
      if (event.streamId === CHECKPOINT_STREAM && event.type === CHECKPOINT_EVENT_TYPE) return checkCheckpoint(event);
      return true;
    },
    finish(): VerifyReport {
      const unsignedTail = count - (lastCheckpoint?.events ?? 0);
      const report: VerifyReport = { events: count, lastPosition, logHash, checkpoints, unsignedTail };
      if (lastCheckpoint) report.lastCheckpoint = lastCheckpoint;
      const tailEnd = { position: lastPosition, streamId: '', detail: '' };
      if (!found && options.highestAssignedPosition !== undefined && options.highestAssignedPosition > lastPosition) {
        const detail = `the store gave positions up to ${options.highestAssignedPosition}, but the log ends at ${lastPosition}: its tail was cut`;
        found = { ...tailEnd, kind: 'truncated', detail };
      }
      if (!found && !expectedSeen) {
        const { position, logHash: hash } = options.expectCheckpoint!;
        const detail = `the log no longer holds the checkpoint kept at position ${position} (log hash ${hash.slice(0, 12)}…)`;
        found = { ...tailEnd, kind: 'truncated', detail };
      }
      if (found) report.break = found;
      return report;
    },
  };
}
