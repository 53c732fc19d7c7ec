/**
 * Group commit for one SQLite connection: the writes made during one turn of
 * the event loop share one transaction, committed when the turn ends; each
 * write's promise settles when that commit has. A commit costs far more than
 * the row it writes, and the projector writes several rows for every event
 * (the user, a session, its checkpoint) from many events at once.
 */
import type Database from 'better-sqlite3';

export interface GroupCommit {
  /** Runs `run` inside the open group (opening one if needed); settles once the group has committed. */
  write<T>(run: () => T): Promise<T>;
  /** Commits the open group now (before a batch, a promotion, a purge or closing). */
  flush(): void;
  /** Runs `work` as one transaction of its own; see BatchCommittingViewStore.batch. */
  batch<T>(work: () => Promise<T>): Promise<T>;
  /** Empties the WAL, where earlier versions of pages stay until it is checkpointed; inside a batch, once it commits. */
  purge(): void;
}

/** One per connection: every store over it (the live one and its namespaces) shares its group. */
const groups = new WeakMap<Database.Database, GroupCommit>();

export function groupCommitOf(db: Database.Database): GroupCommit {
  let known = groups.get(db);
  if (!known) {
    known = new ConnectionGroupCommit(db);
    groups.set(db, known);
  }
  return known;
}

type Waiter = { settle: (error?: unknown) => void };

class ConnectionGroupCommit implements GroupCommit {
  /** The writes of the open group, waiting for its commit; none while no group is open. */
  #group: Waiter[] | undefined;
  /** A purge asked for inside a transaction, to run once it commits. */
  #purgeAfterCommit = false;

  constructor(private readonly db: Database.Database) {}

  write<T>(run: () => T): Promise<T> {
    const { db } = this;
    // Inside a transaction of someone else's (a batch, a promotion): part of it, as before.
    if (db.inTransaction && !this.#group) {
      try {
        return Promise.resolve(run());
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (!this.#group) {
      try {
        db.exec('BEGIN IMMEDIATE');
      } catch (error) {
        return Promise.reject(error);
      }
      this.#group = [];
      setImmediate(() => this.flush());
    }
    const waiters = this.#group;
    let value: T;
    try {
      value = run();
    } catch (error) {
      // One statement failing undoes only itself; the group goes on.
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      waiters.push({ settle: (error) => (error === undefined ? resolve(value) : reject(error)) });
    });
  }

  flush(): void {
    const { db } = this;
    const waiters = this.#group;
    this.#group = undefined;
    if (!waiters) return;
    let failure: unknown;
    try {
      // A failure SQLite answered by rolling back the whole transaction leaves nothing to commit: every write in it is lost.
      if (!db.inTransaction) throw new Error('the transaction of these view writes was rolled back');
      db.exec('COMMIT');
    } catch (error) {
      failure = error;
      if (db.inTransaction) db.exec('ROLLBACK');
    }
    if (failure === undefined && this.#purgeAfterCommit) this.#emptyWal();
    for (const waiter of waiters) waiter.settle(failure);
  }

  async batch<T>(work: () => Promise<T>): Promise<T> {
    const { db } = this;
    // A batch is its own transaction: the writes grouped so far commit first.
    this.flush();
    // Nested, or inside another batch on this connection: part of that one.
    if (db.inTransaction) return work();
    db.exec('BEGIN');
    let result;
    try {
      result = await work();
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    }
    db.exec('COMMIT');
    if (this.#purgeAfterCommit) this.#emptyWal();
    return result;
  }

  purge(): void {
    this.flush();
    if (this.db.inTransaction) this.#purgeAfterCommit = true;
    else this.#emptyWal();
  }

  #emptyWal(): void {
    this.#purgeAfterCommit = false;
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }
}
