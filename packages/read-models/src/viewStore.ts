/**
 * The read-model port: named collections of JSON documents written by
 * projections, each write guarded by the event position that produced it so
 * redelivered events change nothing. SQLite embedded, MongoDB distributed.
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
  /**
   * True when a read through this store sees a write as soon as the write was
   * made, before its promise settles (SQLite: one connection, the statement
   * runs at once inside the open group). A writer may then make writes that
   * depend on each other without awaiting each, and await their commits
   * together. Unset where a write is seen only once it settled (MongoDB).
   */
  readonly readsSeeWritesAtOnce?: boolean;
  /**
   * Commits the writes made so far now, rather than when the event-loop turn
   * ends; their promises settle as they would have. For a writer that has made
   * a batch of writes and waits for them. Absent where writes go out as made.
   */
  commitPending?(): void;
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
  /**
   * Runs `work` with its writes committed together, once it resolves (SQLite:
   * one transaction instead of one per write); stores without it write as
   * they go. For a writer that has the store to itself, like a rebuild: other
   * writes through the same connection meanwhile join the batch.
   */
  batch?<T>(work: () => Promise<T>): Promise<T>;
  /** Answers when the store is reachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
