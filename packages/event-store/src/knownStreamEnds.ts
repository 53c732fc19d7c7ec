/**
 * How far each stream read or appended through this connection goes, so that
 * reading a stream past its end (a command catching up on a stream whose
 * state it holds) answers at once without a query. Appends made through
 * another connection (another process on the file) change SQLite's
 * data_version, which every look checks first: then nothing remembered is
 * used. This connection's own commits leave data_version as it is.
 */
import type Database from 'better-sqlite3';
import { LRUCache } from 'lru-cache';

export interface KnownStreamEnds {
  /** A revision no event of `streamId` is past, if known and nothing was committed elsewhere since. */
  get(streamId: string): number | undefined;
  remember(streamId: string, end: number): void;
  /** SQLite's data_version now: read before a transaction, to pass to {@link rememberCommitted}. */
  dataVersion(): number;
  /**
   * Remembers the ends of appends just committed, unless another connection
   * committed since `versionBefore`: then their order is unknown here.
   */
  rememberCommitted(versionBefore: number, ends: Array<{ streamId: string; end: number }>): void;
}

/** Remembers at most `limit` streams, forgetting the least recently used first. */
export function createKnownStreamEnds(db: Database.Database, limit: number): KnownStreamEnds {
  const ends = new LRUCache<string, number>({ max: limit });
  const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  let endsVersion = dataVersion.get()!;
  /** Forgets everything once another connection has committed. */
  const current = (): LRUCache<string, number> => {
    const version = dataVersion.get()!;
    if (version !== endsVersion) {
      ends.clear();
      endsVersion = version;
    }
    return ends;
  };
  return {
    get: (streamId) => current().get(streamId),
    remember: (streamId, end) => void ends.set(streamId, end),
    dataVersion: () => dataVersion.get()!,
    rememberCommitted(versionBefore, committed) {
      current();
      if (endsVersion !== versionBefore) return;
      for (const { streamId, end } of committed) ends.set(streamId, end);
    },
  };
}
