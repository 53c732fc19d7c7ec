/**
 * The hash chain of the event log (ADR 32): each event's hash covers its
 * content as stored and its stream predecessor's hash; the log hash runs over
 * the events' hashes in global order. Pure functions, shared by the stores
 * that write the chain and the tools that check it.
 */
import { createHash } from 'node:crypto';

/** The predecessor of a stream's first event, and the log hash before the first event. */
export const GENESIS_HASH = '0'.repeat(64);
/** The version of the hashed shape; a new one would name its own construction. */
export const CHAIN_VERSION = 1;

/** What an event's hash covers. */
export interface ChainedContent {
  streamId: string;
  revision: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  previousHash: string;
}

/**
 * RFC 8785 canonical JSON: object keys sorted by UTF-16 code units, no
 * whitespace, ECMAScript number and string serialisation (JSON.stringify's).
 * @throws TypeError for values JSON cannot carry (undefined, functions, non-finite numbers).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no non-finite numbers');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON cannot carry a ${typeof value}`);
}

/** The event's hash: SHA-256 over the canonical JSON of its content and its predecessor's hash, lowercase hex. */
export function eventHash(content: ChainedContent): string {
  const { streamId, revision, eventId, type, schemaVersion, data, metadata, previousHash } = content;
  const hashed = { v: CHAIN_VERSION, streamId, revision, eventId, type, schemaVersion, data, metadata, previousHash };
  return createHash('sha256').update(canonicalJson(hashed), 'utf8').digest('hex');
}

/** The log hash after one more event: SHA-256 of the two hashes' raw bytes, the log's first. */
export function nextLogHash(logHash: string, hash: string): string {
  return createHash('sha256').update(Buffer.from(logHash, 'hex')).update(Buffer.from(hash, 'hex')).digest('hex');
}
