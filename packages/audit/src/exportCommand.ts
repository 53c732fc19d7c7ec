/**
 * `npm run --silent audit -- export --out FILE [--from POS]`: the log with its
 * chain and checkpoints as JSON lines, for an auditor to verify offline with
 * `verify --file` or a script of their own (docs/audit.md).
 */
import { createWriteStream, fchmodSync, openSync, renameSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import type { SignedCheckpoint } from '@tessera/event-store';
import { openStoreLog, readAuditSettings } from './auditSettings.ts';
import { checkpointOf, type LoggedEvent, type LogSource } from './sources/logSource.ts';
import { exitStatus, UsageError, type Subcommand } from './subcommand.ts';

const usage = `export --out FILE [--from POS]
      write the event log (EVENTSTORE_URL, else DATA_DIR/events.sqlite) to FILE as JSON lines, one
      event each with its hash and its predecessor's, checkpoints included; personal fields stay
      encrypted. --from POS starts after the last checkpoint at or before POS (verify such an
      export with the same --from). The last checkpoint and the counts are printed on stderr.
      exit status: 0 written, 1 failed, 2 bad usage`;

/** An export line: the replay export's fields and the chain. */
function line(event: LoggedEvent): string {
  const { position, streamId, revision, eventId, type, schemaVersion, recordedAt, data, metadata } = event;
  const { hash, previousHash } = event;
  const record = { position, streamId, revision, eventId, type, schemaVersion, recordedAt, data, metadata };
  return `${JSON.stringify({ ...record, hash, previousHash })}\n`;
}

async function write(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

interface ExportSummary {
  events: number;
  first?: number;
  last?: number;
  lastCheckpoint?: SignedCheckpoint;
  /** Events of the export after the last checkpoint's position. */
  unsignedTail: number;
}

async function exportLog(source: LogSource, after: number, out: WriteStream): Promise<ExportSummary> {
  const summary: ExportSummary = { events: 0, unsignedTail: 0 };
  let sinceCheckpoint: number[] = [];
  for await (const event of source.events(after)) {
    await write(out, line(event));
    summary.events += 1;
    summary.first ??= event.position;
    summary.last = event.position;
    sinceCheckpoint.push(event.position);
    const found = checkpointOf(event);
    if (found) {
      summary.lastCheckpoint = found.checkpoint;
      sinceCheckpoint = sinceCheckpoint.filter((position) => position > found.checkpoint.position);
    }
  }
  summary.unsignedTail = sinceCheckpoint.length;
  return summary;
}

function describe(summary: ExportSummary, file: string, from: number | undefined, start: number): string {
  const { events, first, last, lastCheckpoint, unsignedTail } = summary;
  const lines = [
    events === 0
      ? `exported no events to ${file}`
      : `exported ${events} events (positions ${first}–${last}) to ${file}`,
  ];
  lines.push(
    lastCheckpoint
      ? `last checkpoint: position ${lastCheckpoint.position}, log hash ${lastCheckpoint.logHash}, signed ${lastCheckpoint.signedAt} by key ${lastCheckpoint.keyId}`
      : 'no checkpoint in the export: nothing in it is signed yet',
  );
  lines.push(`unsigned tail: ${unsignedTail} events after the last checkpoint`);
  if (from !== undefined) {
    lines.push(
      start > 0
        ? `starts after the checkpoint at position ${start}: verify it with --from ${from}`
        : `no checkpoint at or before position ${from}: the whole log is exported`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Opens a file for writing, readable by its owner alone: a path that cannot be written is bad usage. */
function openOut(file: string, shown: string): number {
  try {
    const fd = openSync(file, 'w', 0o600);
    // Personal fields are encrypted, but the export is still the whole log: for its reader alone, even over an old file.
    fchmodSync(fd, 0o600);
    return fd;
  } catch (error) {
    throw new UsageError(`--out ${shown}: ${(error as Error).message}`);
  }
}

/**
 * Writes the export beside its name and moves it there once whole: an export
 * that stopped half-way must not be left looking like a log cut at a checkpoint.
 */
async function writeExport(source: LogSource, start: number, file: string): Promise<ExportSummary> {
  const partial = `${file}.partial`;
  const out = createWriteStream('', { fd: openOut(partial, file) });
  try {
    const summary = await exportLog(source, start, out);
    out.end();
    await once(out, 'finish');
    renameSync(partial, file);
    return summary;
  } catch (error) {
    out.destroy();
    rmSync(partial, { force: true });
    throw error;
  }
}

/** The position after the last checkpoint at or before `from`: 0 (the start) without one. */
async function startOf(source: LogSource, from: number | undefined): Promise<number> {
  let start = 0;
  if (from === undefined) return start;
  for (const { checkpoint } of await source.checkpoints()) {
    if (checkpoint.position <= from) start = Math.max(start, checkpoint.position);
  }
  return start;
}

export const exportCommand: Subcommand = {
  usage,
  async run(args) {
    const { values } = parseArgs({ args, options: { out: { type: 'string' }, from: { type: 'string' } } });
    if (!values.out) throw new UsageError('export needs --out FILE');
    if (values.from !== undefined && !/^\d+$/.test(values.from)) {
      throw new UsageError('--from is a position: a whole number');
    }
    const from = values.from === undefined ? undefined : Number(values.from);
    const source = await openStoreLog(readAuditSettings(process.env));
    try {
      const start = await startOf(source, from);
      const summary = await writeExport(source, start, values.out);
      process.stderr.write(describe(summary, values.out, from, start));
      return exitStatus.done;
    } finally {
      await source.close();
    }
  },
};
