import type { ViewStore } from './viewStore.ts';

/**
 * A capability some view stores have besides the {@link ViewStore} port
 * (SQLite; not MongoDB): writes are committed in groups, on one connection.
 * A read through the store sees a write as soon as the write is made, before
 * its promise settles, so a writer may make writes that depend on each other
 * without awaiting each, and await their commits together. A composition
 * root that knows its store has this hands it over as this type; callers
 * never ask a plain ViewStore whether it has it.
 * Its contract suite: `batchCommittingViewStoreContract`.
 */
export interface BatchCommittingViewStore extends ViewStore {
  /**
   * Commits the writes made so far now, rather than when the event-loop turn
   * ends; their promises settle as they would have. For a writer that has
   * made a batch of writes and waits for them.
   */
  commitPending(): void;
  /**
   * Runs `work` with its writes committed together, once it resolves (one
   * transaction instead of one per write), and none of them if it fails. For
   * a writer that has the store to itself, like a rebuild: other writes
   * through the same connection meanwhile join the batch.
   */
  batch<T>(work: () => Promise<T>): Promise<T>;
  /** A namespace of a batch-committing store shares its connection, and so its batches. */
  namespace(name: string): BatchCommittingViewStore;
}
