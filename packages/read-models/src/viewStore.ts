/**
 * The read-model port: named collections of JSON documents written by
 * projections, each write guarded by the event position that produced it so
 * redelivered events change nothing. SQLite embedded, MongoDB distributed.
 * What only some stores can do (commit writes in groups) is a capability of
 * its own: batchCommittingViewStore.ts.
 */

export interface ViewCollection<T extends object> {
  get(id: string): Promise<T | undefined>;
  /** Documents whose top-level `field` equals `value`, in id order. */
  findBy(field: string, value: string | number | boolean): Promise<T[]>;
  /**
   * Stores `document` under `id` unless the stored copy was written at the same
   * or a later position.
   * @returns whether the document was written.
   */
  upsert(id: string, document: T, position: number): Promise<boolean>;
  /** Removes the document unless it was written at a later position. */
  delete(id: string, position: number): Promise<boolean>;
}

export interface ViewStore {
  /** Opens (creating if needed) a collection; `indexes` lists top-level fields queried by findBy. */
  collection<T extends object>(name: string, options?: { indexes?: string[] }): ViewCollection<T>;
  /** Last position a named projection has fully applied (0 when none). */
  getCheckpoint(name: string): Promise<number>;
  setCheckpoint(name: string, position: number): Promise<void>;
  /**
   * A store in the same database whose collections and checkpoints live
   * apart under `name`: where a rebuild writes before it is promoted.
   */
  namespace(name: string): ViewStore;
  /**
   * Makes the collections and checkpoints of `staging` (made by `namespace()`
   * on this store) the live ones, dropping the live collections they replace.
   */
  promote(staging: ViewStore): Promise<void>;
  /**
   * Makes content already deleted or overwritten unrecoverable from the
   * store's own files where the adapter can (SQLite: zeroed free space and an
   * emptied WAL); called after an erasure. MongoDB leaves this to its storage
   * engine.
   */
  purge(): Promise<void>;
  /** Answers when the store is reachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
