/**
 * Rebuilds every read model from position zero into a fresh namespace, swaps
 * it in, then re-applies what arrived meanwhile: the live views are complete
 * and consistent at every moment, before and after the swap.
 */
import { toEventMessage } from '@tessera/contracts';
import type { EventStore } from '@tessera/event-store';
import type { Logger } from '@tessera/logging';
import type { ViewStore } from '@tessera/read-models';
import type { PersonalDataReader } from '@tessera/personal-data';
import { createPageBuffer, type PageBuffer } from './pageBuffer.ts';
import { createProjector } from './projector.ts';

export interface RebuildProgress {
  phase: 'rebuilding' | 'catching-up';
  events: number;
  position: number;
  head: number;
  eventsPerSecond: number;
}

const PAGE = 10_000;

/**
 * Per-user keys a replay should keep (about 150 bytes each): it meets every
 * user once or more, far apart, so a cache as small as a live process's
 * misses nearly every time.
 */
export const REPLAY_CACHED_KEYS = 250_000;

/** Runs one page's writes so that they commit together. */
export type PageCommit = <T>(work: () => Promise<T>) => Promise<T>;

/** Without a batch-committing store, each write commits as it goes. */
const writesAsTheyGo: PageCommit = (work) => work();

async function applyAll(
  eventStore: EventStore,
  batch: PageCommit,
  project: (message: ReturnType<typeof toEventMessage>) => Promise<void>,
  after: number,
  until: number,
  onPage: (events: number, position: number) => void,
  buffer?: PageBuffer,
): Promise<{ events: number; position: number }> {
  let position = after;
  let events = 0;
  while (position < until) {
    const page = await eventStore.readAll({ after: position, maxCount: PAGE });
    if (page.length === 0) break;
    await batch(async () => {
      for (const event of page) {
        if (event.position > until) break;
        await project(toEventMessage(event));
        position = event.position;
        events += 1;
      }
      await buffer?.flush();
    });
    onPage(events, position);
  }
  return { events, position };
}

export interface RebuildOptions {
  eventStore: EventStore;
  views: ViewStore;
  logger: Logger;
  personalData: PersonalDataReader;
  onProgress?: (progress: RebuildProgress) => void;
  /**
   * When `views` is a batch-committing store (SQLite), its `batch`: each page
   * of events is then one commit rather than one per write, as the rebuild
   * has its views to itself. Without it, writes commit as they go.
   */
  commitEachPage?: PageCommit;
}

export async function rebuildReadModels(
  options: RebuildOptions,
): Promise<{ events: number; position: number; seconds: number }> {
  const { eventStore, views, logger, personalData } = options;
  const commitEachPage = options.commitEachPage ?? writesAsTheyGo;
  const started = Date.now();
  const head = await eventStore.headPosition();
  const staging = views.namespace(`rebuild_${started}`);
  // The staging namespace is fresh, written by this rebuild alone and in log order: a page can buffer its writes.
  const buffer = createPageBuffer(staging);
  const stagingProjector = createProjector({ store: buffer.store, logger, personalData });
  const report = (phase: RebuildProgress['phase'], target: number) => (events: number, position: number) =>
    options.onProgress?.({
      phase,
      events,
      position,
      head: target,
      eventsPerSecond: Math.round(events / Math.max(0.001, (Date.now() - started) / 1000)),
    });
  const rebuilt = await applyAll(
    eventStore,
    commitEachPage,
    stagingProjector.handle,
    0,
    head,
    report('rebuilding', head),
    buffer,
  );
  await views.promote(staging);
  // Events appended during the rebuild: apply them to the promoted views (position guards make repeats harmless).
  const liveProjector = createProjector({ store: views, logger, personalData });
  const latest = await eventStore.headPosition();
  const caughtUp = await applyAll(
    eventStore,
    commitEachPage,
    liveProjector.handle,
    rebuilt.position,
    latest,
    report('catching-up', latest),
  );
  return {
    events: rebuilt.events + caughtUp.events,
    position: Math.max(rebuilt.position, caughtUp.position),
    seconds: (Date.now() - started) / 1000,
  };
}
