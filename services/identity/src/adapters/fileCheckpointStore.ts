/**
 * The relay's checkpoint in a small file, replaced atomically. Saving lags by
 * design: a lost checkpoint only re-publishes events, which consumers dedupe.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CheckpointStore } from '../application/relay.ts';

export function createFileCheckpointStore(
  file: string,
  options: { flushIntervalMs?: number } = {},
): CheckpointStore & { flush(): void } {
  const flushIntervalMs = options.flushIntervalMs ?? 200;
  let pending: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let folderMade = false;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending === undefined) return;
    // With the events in EventStoreDB and the keys in MongoDB, nothing else has made the data folder.
    if (!folderMade) {
      mkdirSync(path.dirname(file), { recursive: true });
      folderMade = true;
    }
    writeFileSync(`${file}.tmp`, JSON.stringify({ position: pending }));
    renameSync(`${file}.tmp`, file);
    pending = undefined;
  };
  return {
    async load() {
      if (!existsSync(file)) return 0;
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as { position?: unknown };
      return typeof parsed.position === 'number' ? parsed.position : 0;
    },
    async save(position) {
      pending = position;
      if (!timer) {
        timer = setTimeout(flush, flushIntervalMs);
        timer.unref();
      }
    },
    flush,
  };
}
