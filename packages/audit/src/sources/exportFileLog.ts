/**
 * An export file (JSON lines, one event each, as `audit export` writes them)
 * read as the log: streamed line by line, so a large export needs little memory.
 */
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { UsageError } from '../subcommand.ts';
import {
  collectCheckpoints,
  toLoggedEvent,
  UnreadableEventError,
  type LogSource,
  type LoggedEvent,
} from './logSource.ts';

export function openExportFile(file: string): LogSource {
  if (!existsSync(file)) throw new UsageError(`--file ${file}: no such file`);
  const name = path.basename(file);
  async function* all(): AsyncIterable<LoggedEvent> {
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    let lineNumber = 0;
    let position = 0;
    for await (const line of lines) {
      lineNumber += 1;
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new UnreadableEventError(position + 1, '', `line ${lineNumber} of ${name} is not JSON`);
      }
      const event = toLoggedEvent(value, `line ${lineNumber} of ${name}`, position);
      position = event.position;
      yield event;
    }
  }
  return {
    description: `the export ${file}`,
    checkpoints: () => collectCheckpoints(all()),
    async *events(after) {
      for await (const event of all()) if (event.position > after) yield event;
    },
    highestAssignedPosition: () => undefined,
    close: async () => {},
  };
}
