/**
 * The hash chain of the event log (ADR 32): each event's hash covers its
 * content as stored and its stream predecessor's hash; the log hash runs over
 * the events' hashes in global order. Pure functions, shared by the stores
 * that write the chain and the tools that check it.
 */
import * as crypto from 'node:crypto';

/** SHA-256 in hex; Node's one-shot `crypto.hash` (20.12 and later) where there is one, a hash object elsewhere. */
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

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
  // Written for speed (every append hashes its events): one string built in place, no intermediate arrays.
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no non-finite numbers');
      return JSON.stringify(value);
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let index = 0; index < value.length; index += 1) {
          if (index > 0) out += ',';
          out += canonicalJson(value[index] ?? null);
        }
        return `${out}]`;
      }
      const object = value as Record<string, unknown>;
      // The default sort compares UTF-16 code units, as RFC 8785 orders keys.
      const keys = Object.keys(object).sort();
      let out = '{';
      for (const key of keys) {
        const item = object[key];
        if (item === undefined) continue;
        if (out.length > 1) out += ',';
        out += `${JSON.stringify(key)}:${canonicalJson(item)}`;
      }
      return `${out}}`;
    }
    default:
      throw new TypeError(`canonical JSON cannot carry a ${typeof value}`);
  }
}

/** The event's hash: SHA-256 over the canonical JSON of its content and its predecessor's hash, lowercase hex. */
export function eventHash(content: ChainedContent): string {
  const { streamId, revision, eventId, type, schemaVersion, data, metadata, previousHash } = content;
  const hashed = { v: CHAIN_VERSION, streamId, revision, eventId, type, schemaVersion, data, metadata, previousHash };
  return sha256Hex(canonicalJson(hashed));
}

/** The log hash after one more event: SHA-256 of the two hashes' raw bytes, the log's first. */
export function nextLogHash(logHash: string, hash: string): string {
  return crypto.createHash('sha256').update(Buffer.from(logHash, 'hex')).update(Buffer.from(hash, 'hex')).digest('hex');
}
