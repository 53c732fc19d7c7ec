/**
 * A write-back buffer over a fresh view store, for one page of a rebuild:
 * reads see the page's own writes, and each document the page touched is
 * written once when the page is flushed, with the position of its last write.
 *
 * A user's events sit close together in the log (sign-up, login, code,
 * session within minutes), so a page of them rewrote the same documents many
 * times; with the buffer a page writes each once. Only for a store that
 * nothing else writes and that receives positions in increasing order (a
 * rebuild's staging namespace): the positions guard the final writes, but the
 * buffer itself does not compare them with stored copies.
 */
import type { ViewCollection, ViewStore } from '@tessera/read-models';

interface Pending {
  document: object | undefined;
  position: number;
}

export interface PageBuffer {
  store: ViewStore;
  /** Writes what the page changed into the underlying store. */
  flush(): Promise<void>;
}

export function createPageBuffer(inner: ViewStore): PageBuffer {
  const pending = new Map<string, { collection: ViewCollection<object>; documents: Map<string, Pending> }>();
  const checkpoints = new Map<string, number>();
  let purgeAfterFlush = false;

  const store: ViewStore = {
    ...inner,
    collection<T extends object>(name: string, options?: { indexes?: string[] }): ViewCollection<T> {
      const collection = inner.collection<object>(name, options);
      const entry = pending.get(name) ?? { collection, documents: new Map<string, Pending>() };
      pending.set(name, entry);
      return bufferedCollection<T>(collection, entry.documents, flush);
    },
    async getCheckpoint(name) {
      return checkpoints.get(name) ?? inner.getCheckpoint(name);
    },
    async setCheckpoint(name, position) {
      checkpoints.set(name, position);
    },
    async purge() {
      purgeAfterFlush = true;
    },
  };

  async function flush(): Promise<void> {
    for (const { collection, documents } of pending.values()) {
      for (const [id, { document, position }] of documents) {
        if (document === undefined) await collection.delete(id, position);
        else await collection.upsert(id, document, position);
      }
      documents.clear();
    }
    for (const [name, position] of checkpoints) await inner.setCheckpoint(name, position);
    checkpoints.clear();
    if (purgeAfterFlush) {
      purgeAfterFlush = false;
      await inner.purge();
    }
  }

  return { store, flush };
}

/** `collection` as the page sees it: its own writes held in `documents` until `flush`. */
function bufferedCollection<T extends object>(
  collection: ViewCollection<object>,
  documents: Map<string, Pending>,
  flush: () => Promise<void>,
): ViewCollection<T> {
  return {
    async get(id) {
      const buffered = documents.get(id);
      return (buffered ? buffered.document : await collection.get(id)) as T | undefined;
    },
    async findBy(field, value) {
      // Rare in projections; answered from the store once the page's writes are in.
      await flush();
      return (await collection.findBy(field, value)) as T[];
    },
    async upsert(id, document, position) {
      documents.set(id, { document, position });
      return true;
    },
    async delete(id, position) {
      documents.set(id, { document: undefined, position });
      return true;
    },
  };
}
