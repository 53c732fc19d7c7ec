/**
 * One verification of a log source: picks the checkpoint `--from` starts
 * after, feeds the events to the chain verifier in global order and returns
 * its report, with what the auditor must know to read it (where it started,
 * whether a genesis checkpoint marks an upgrade).
 */
import {
  checkpointSignatureValid,
  createLogVerifier,
  type AuditPublicKey,
  type LogBreak,
  type SignedCheckpoint,
  type VerifyReport,
} from '@tessera/event-store';
import { UsageError } from './subcommand.ts';
import { isCheckpoint, UnreadableEventError, type FoundCheckpoint, type LogSource } from './sources/logSource.ts';

export interface VerifyRequest {
  trustedKeys: AuditPublicKey[];
  /** Start after the last checkpoint at or before this position. */
  from?: number;
  expectCheckpoint?: { position: number; logHash: string };
}

export interface VerifyOutcome {
  report: VerifyReport;
  /** How many events were checked (those after the start). */
  checked: number;
  /** The checkpoint the verification started after, when `from` named one. */
  start?: SignedCheckpoint;
  /** The genesis checkpoint met: the log was chained on upgrade then, and vouches for nothing before. */
  genesis?: SignedCheckpoint;
}

export async function verifyLog(source: LogSource, request: VerifyRequest): Promise<VerifyOutcome> {
  const highestAssignedPosition = source.highestAssignedPosition();
  let anchor: FoundCheckpoint | undefined;
  try {
    anchor = request.from === undefined ? undefined : await startingCheckpoint(source, request.from);
  } catch (error) {
    if (!(error instanceof UnreadableEventError)) throw error;
    return brokenAt(breakOf(error));
  }
  const start = anchor?.checkpoint;
  if (anchor && !signedByTrustedKey(anchor.checkpoint, request.trustedKeys)) {
    const detail = 'the checkpoint --from starts after is not signed by a trusted key';
    const { position, streamId, revision } = anchor.event;
    return brokenAt({ kind: 'bad-signature', position, streamId, revision, detail });
  }
  const expect = request.expectCheckpoint;
  if (start && expect && expect.position < start.position) {
    throw new UsageError(
      `--expect-checkpoint ${expect.position} lies before the checkpoint --from starts after (position ${start.position}): pass a --from at or before ${expect.position}`,
    );
  }
  const verifier = createLogVerifier({
    trustedKeys: request.trustedKeys,
    ...(expect ? { expectCheckpoint: expect } : {}),
    ...(highestAssignedPosition !== undefined ? { highestAssignedPosition } : {}),
    ...(start ? { start } : {}),
  });
  let genesis = start?.genesis ? start : undefined;
  let unreadable: LogBreak | undefined;
  try {
    for await (const event of source.events(start?.position ?? 0)) {
      if (!verifier.add(event)) break;
      if (isCheckpoint(event) && event.data.genesis === true) genesis ??= event.data as unknown as SignedCheckpoint;
    }
  } catch (error) {
    if (!(error instanceof UnreadableEventError)) throw error;
    unreadable = breakOf(error);
  }
  const report = verifier.finish();
  // Read only while no break was found, so it is the first; the cut tail finish() may see is where reading stopped.
  if (unreadable) report.break = unreadable;
  return {
    report,
    checked: report.events - (start?.events ?? 0),
    ...(start ? { start } : {}),
    ...(genesis ? { genesis } : {}),
  };
}

/** The last checkpoint covering a position at or before `from`, if any. */
async function startingCheckpoint(source: LogSource, from: number): Promise<FoundCheckpoint | undefined> {
  let found: FoundCheckpoint | undefined;
  for (const candidate of await source.checkpoints()) {
    const position = candidate.checkpoint.position;
    if (Number.isSafeInteger(position) && position <= from && position >= (found?.checkpoint.position ?? 0)) {
      found = candidate;
    }
  }
  return found;
}

function signedByTrustedKey(checkpoint: SignedCheckpoint, trustedKeys: AuditPublicKey[]): boolean {
  const key = trustedKeys.find((trusted) => trusted.keyId === checkpoint.keyId);
  return key !== undefined && checkpointSignatureValid(checkpoint, key);
}

/** An event that cannot be read as one, or two copies that differ: its content is not what was stored. */
function breakOf(error: UnreadableEventError): LogBreak {
  return { kind: 'altered', position: error.position, streamId: error.streamId, detail: error.detail };
}

/** A break found before any event was verified. */
function brokenAt(logBreak: LogBreak): VerifyOutcome {
  return {
    report: { events: 0, lastPosition: 0, logHash: '', checkpoints: 0, unsignedTail: 0, break: logBreak },
    checked: 0,
  };
}
