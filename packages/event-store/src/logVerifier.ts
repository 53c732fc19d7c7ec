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
  /**
   * Verify only what follows this checkpoint, whose signature the caller has checked: the log hash and count
   * start from it, and a stream begun before it is taken up at its first event after it.
   * @throws RangeError when `expectCheckpoint` lies before it: that part of the log is not read.
   */
  start?: SignedCheckpoint;
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
  const verification = new LogVerification(options);
  return {
    /** Checks one more event; false once a break is found (later events are not looked at). */
    add: (event: ChainedEvent): boolean => verification.add(event),
    finish: (): VerifyReport => verification.finish(),
  };
}

/** The state of one verification: each stream's last link, the running log hash, the checkpoints met. */
class LogVerification {
  readonly #options: VerifyOptions;
  readonly #streams = new Map<string, { revision: number; hash: string }>();
  /** Log hashes at the positions a coming checkpoint may name: since the last verified checkpoint. */
  readonly #pending = new Map<number, LogPoint>();
  #logHash: string;
  #count: number;
  #lastPosition: number;
  #checkpoints = 0;
  #lastCheckpoint: SignedCheckpoint | undefined;
  #found: LogBreak | undefined;
  #expectedSeen: boolean;

  constructor(options: VerifyOptions) {
    const { start, expectCheckpoint } = options;
    this.#options = options;
    this.#logHash = start?.logHash ?? GENESIS_HASH;
    this.#count = start?.events ?? 0;
    this.#lastPosition = start?.position ?? 0;
    this.#lastCheckpoint = start;
    this.#expectedSeen = expectCheckpoint === undefined;
    if (!start) return;
    this.#pending.set(start.position, { events: start.events, logHash: start.logHash });
    if (expectCheckpoint && expectCheckpoint.position < start.position) {
      throw new RangeError(`the expected checkpoint at ${expectCheckpoint.position} lies before the start`);
    }
    if (expectCheckpoint?.position === start.position) this.#expectedSeen = expectCheckpoint.logHash === start.logHash;
  }

  add(event: ChainedEvent): boolean {
    if (this.#found) return false;
    if (!this.#checkStream(event)) return false;
    this.#logHash = nextLogHash(this.#logHash, event.hash!);
    this.#count += 1;
    this.#lastPosition = event.position;
    this.#pending.set(event.position, { events: this.#count, logHash: this.#logHash });
    const expect = this.#options.expectCheckpoint;
    if (expect && event.position === expect.position) this.#expectedSeen = this.#logHash === expect.logHash;
    if (event.streamId === CHECKPOINT_STREAM && event.type === CHECKPOINT_EVENT_TYPE)
      return this.#checkCheckpoint(event);
    return true;
  }

  finish(): VerifyReport {
    const lastPosition = this.#lastPosition;
    const report: VerifyReport = {
      events: this.#count,
      lastPosition,
      logHash: this.#logHash,
      checkpoints: this.#checkpoints,
      unsignedTail: this.#count - (this.#lastCheckpoint?.events ?? 0),
    };
    if (this.#lastCheckpoint) report.lastCheckpoint = this.#lastCheckpoint;
    const tailEnd = { position: lastPosition, streamId: '', detail: '' };
    const { highestAssignedPosition, expectCheckpoint } = this.#options;
    if (!this.#found && highestAssignedPosition !== undefined && highestAssignedPosition > lastPosition) {
      const detail = `the store gave positions up to ${highestAssignedPosition}, but the log ends at ${lastPosition}: its tail was cut`;
      this.#found = { ...tailEnd, kind: 'truncated', detail };
    }
    if (!this.#found && !this.#expectedSeen) {
      const { position, logHash: hash } = expectCheckpoint!;
      const detail = `the log no longer holds the checkpoint kept at position ${position} (log hash ${hash.slice(0, 12)}…)`;
      this.#found = { ...tailEnd, kind: 'truncated', detail };
    }
    if (this.#found) report.break = this.#found;
    return report;
  }

  #fail(event: ChainedEvent, kind: BreakKind, detail: string): false {
    this.#found = { kind, position: event.position, streamId: event.streamId, revision: event.revision, detail };
    return false;
  }

  #checkStream(event: ChainedEvent): boolean {
    const { hash, previousHash } = event;
    if (!hash || !previousHash) return this.#fail(event, 'unchained', 'the event carries no hash');
    if (eventHash({ ...event, previousHash }) !== hash) {
      return this.#fail(event, 'altered', 'its content does not give its stored hash');
    }
    const before = this.#streams.get(event.streamId);
    // After a start, a stream's first event may continue one begun before it: its link is covered by the log hash.
    const continued = !before && this.#options.start !== undefined && event.revision > 0;
    if (!continued) {
      const expected = before ? before.revision + 1 : 0;
      if (event.revision !== expected) {
        const detail = `revision ${event.revision} follows ${expected - 1} in its stream: events removed, inserted or reordered`;
        return this.#fail(event, 'stream-broken', detail);
      }
      if (previousHash !== (before?.hash ?? GENESIS_HASH)) {
        return this.#fail(event, 'stream-broken', 'it does not name the hash of the event before it in its stream');
      }
    }
    this.#streams.set(event.streamId, { revision: event.revision, hash });
    return true;
  }

  #checkCheckpoint(event: ChainedEvent): boolean {
    const checkpoint = event.data as unknown as SignedCheckpoint;
    const key = this.#options.trustedKeys.find((trusted) => trusted.keyId === checkpoint.keyId);
    if (!key || !checkpointSignatureValid(checkpoint, key)) {
      const why = key
        ? 'its signature does not verify'
        : `it is signed by key ${String(checkpoint.keyId)}, not a trusted one`;
      return this.#fail(event, 'bad-signature', why);
    }
    const point = this.#pending.get(checkpoint.position);
    if (!point || point.events !== checkpoint.events || point.logHash !== checkpoint.logHash) {
      const since = this.#lastCheckpoint ? `after position ${this.#lastCheckpoint.position}` : 'from the start';
      const detail = `the log up to position ${checkpoint.position} is not the one signed: events ${since} were removed, inserted, reordered or rewritten`;
      return this.#fail(event, 'checkpoint-mismatch', detail);
    }
    for (const position of this.#pending.keys()) if (position <= checkpoint.position) this.#pending.delete(position);
    this.#checkpoints += 1;
    this.#lastCheckpoint = checkpoint;
    return true;
  }
}
