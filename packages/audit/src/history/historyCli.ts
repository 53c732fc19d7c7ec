/**
 * `npm run --silent audit -- history --user <userId | email>`: one user's
 * events as a timeline an auditor reads (time, event, client, correlation id,
 * what changed), or with `--as-of` the user's state at a time. Personal fields
 * open only with a valid auditor credential, and each such read is recorded in
 * the log first. Notes about what was shown go to stderr; stdout carries the
 * timeline alone, so jsonl and csv stay clean.
 */
import { readFileSync } from 'node:fs';
import { streams } from '@tessera/contracts';
import { publicPartOf, type EventStore, type RecordedEvent } from '@tessera/event-store';
import { createLogger } from '@tessera/logging';
import { ConfigError, connectEventStore } from '@tessera/runtime';
import { checkAuditorCredential, type CredentialCheck } from './auditorCredential.ts';
import { loadAuditKeyFile } from '../auditKeys.ts';
import { exitStatus, UsageError, writeOut, type Subcommand } from '../subcommand.ts';
import { readHistorySettings, type HistorySettings } from './historySettings.ts';
import { describeEvent } from './eventDescriptions.ts';
import { HISTORY_USAGE, parseHistoryArguments, type HistoryArguments } from './historyArguments.ts';
import { formatState, formatTimeline, type TimelineEntry } from './historyFormats.ts';
import { keyringHashingKey, openDisclosure } from './personalDataAccess.ts';
import { openPersonalFields, shownFields } from './personalFields.ts';
import { resolveUserId } from './userLookup.ts';
import { userStateAsOf } from './userStateAsOf.ts';

class NoSuchUserError extends Error {}

/** The credential the auditor passed, checked against this deployment's audit key; undefined when none was. */
function presentedCredential(
  file: string | undefined,
  settings: HistorySettings,
  now: Date,
): CredentialCheck | undefined {
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the credential at ${file} (${(error as NodeJS.ErrnoException).code})`);
  }
  let document: unknown = text;
  try {
    document = JSON.parse(text);
  } catch {
    /* not JSON: the check below says so */
  }
  const check = checkAuditorCredential(document, publicPartOf(loadAuditKeyFile(settings.auditKeyFile)), now);
  if (check.status === 'forged')
    throw new UsageError(`the credential at ${file} is not genuine: ${check.reason}. Nothing was shown.`);
  return check;
}

async function userEvents(store: EventStore, args: HistoryArguments, settings: HistorySettings) {
  const userId = await resolveUserId(store, {
    user: args.user,
    ...(args.clientId !== undefined ? { clientId: args.clientId } : {}),
    hashingKey: () => keyringHashingKey(settings.keysFile),
  });
  const events = userId === undefined ? [] : await store.readStream(streams.user(userId));
  if (userId === undefined || events.length === 0) throw new NoSuchUserError(`no user ${args.user} in this event log`);
  return { userId, events };
}

const occurredAtOf = (event: RecordedEvent) => String(event.metadata.occurredAt ?? event.recordedAt);

function timelineEntry(event: RecordedEvent, data: Record<string, unknown>): TimelineEntry {
  return {
    position: event.position,
    occurredAt: occurredAtOf(event),
    type: event.type,
    clientId: String(event.metadata.clientId ?? ''),
    correlationId: String(event.metadata.correlationId ?? ''),
    change: describeEvent(event.type, data),
    data: shownFields(data),
  };
}

async function history(args: HistoryArguments): Promise<string> {
  const settings = readHistorySettings(process.env);
  const now = new Date();
  const credential = presentedCredential(args.credentialFile, settings, now);
  const logger = createLogger('audit', { level: 'warn', destination: process.stderr as never });
  const store = await connectEventStore({ eventStoreUrl: settings.eventStoreUrl, dataDir: settings.dataDir }, logger);
  try {
    const { userId, events } = await userEvents(store, args, settings);
    const erased = events.some((event) => event.type === 'PersonalDataErased');
    const access = await openDisclosure(
      { store, settings, logger },
      { credential, erased, userId, now, ...(args.asOf ? { asOf: args.asOf.toISOString() } : {}) },
    );
    try {
      process.stderr.write(`${access.note}\n`);
      const opened: Array<{ event: RecordedEvent; data: Record<string, unknown> }> = [];
      for (const event of events) opened.push({ event, data: await openPersonalFields(event, access.disclosure) });
      if (args.asOf === undefined)
        return formatTimeline(
          opened.map(({ event, data }) => timelineEntry(event, data)),
          args.format,
        );
      const folded = opened.map(({ event, data }) => ({ type: event.type, occurredAt: occurredAtOf(event), data }));
      return formatState(userStateAsOf(userId, folded, args.asOf), args.format);
    } finally {
      await access.close();
    }
  } finally {
    await store.close();
  }
}

export async function runHistory(argv: string[]): Promise<number> {
  let args: HistoryArguments;
  try {
    args = parseHistoryArguments(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nusage: npm run audit -- ${HISTORY_USAGE}\n`);
    return exitStatus.usage;
  }
  try {
    const output = await history(args);
    await writeOut(output);
    return exitStatus.done;
  } catch (error) {
    if (error instanceof NoSuchUserError) {
      process.stderr.write(`${error.message}\n`);
      return exitStatus.noSuchUser;
    }
    if (error instanceof UsageError || error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return exitStatus.usage;
    }
    process.stderr.write(`history failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return exitStatus.failed;
  }
}

export const historyCommand: Subcommand = { usage: HISTORY_USAGE, run: runHistory };
