/** How a verification reads: one result line for people (then what it rests on), or one JSON object for scripts. */
import type { AuditPublicKey, SignedCheckpoint } from '@tessera/event-store';
import type { VerifyOutcome } from './verifyLog.ts';

/** Which keys were trusted, and why. */
export interface Trust {
  keys: AuditPublicKey[];
  /** Passed with --public-key, or read from the audit key file (which proves less). */
  from: 'argument' | 'audit key file';
  file?: string;
}

export interface VerifyContext {
  source: string;
  trust: Trust;
  /** The position `--from` asked to start at. */
  from?: number;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** The result line: "verified N events up to position P; …" or "BREAK at position P (stream S, revision R): kind: detail". */
export function resultLine(outcome: VerifyOutcome): string {
  const { report, checked, start } = outcome;
  const found = report.break;
  if (found) {
    const where = found.streamId
      ? `stream ${found.streamId}${found.revision === undefined ? '' : `, revision ${found.revision}`}`
      : 'the end of the log';
    return `BREAK at position ${found.position} (${where}): ${found.kind}: ${found.detail}`;
  }
  const range = start
    ? `from position ${start.position + 1} up to position ${report.lastPosition}`
    : `up to position ${report.lastPosition}`;
  const last = report.lastCheckpoint;
  const checkpoints =
    report.checkpoints === 0 || !last
      ? 'no checkpoint yet'
      : `${plural(report.checkpoints, 'checkpoint')}, the last at ${last.position} signed ${last.signedAt}`;
  return `verified ${plural(checked, 'event')} ${range}; ${checkpoints}; unsigned tail of ${plural(report.unsignedTail, 'event')}`;
}

/** The lines after the result: what was read, which key was trusted, where the proof starts. */
export function noteLines(outcome: VerifyOutcome, context: VerifyContext): string[] {
  const { trust } = context;
  const ids = trust.keys.map((key) => key.keyId).join(', ');
  const notes = [`read: ${context.source}`];
  notes.push(
    trust.from === 'argument'
      ? `trusted: ${ids} (passed with --public-key)`
      : `trusted: ${ids}, the key in the audit key file ${trust.file ?? ''}, not one given out of band: an auditor should pass the public key they were given with --public-key`,
  );
  if (outcome.start) {
    const { position, signedAt } = outcome.start;
    notes.push(
      `started after the checkpoint at position ${position} signed ${signedAt}: the events up to it were not checked`,
    );
  } else if (context.from !== undefined) {
    notes.push(`no checkpoint at or before position ${context.from}: the whole log was checked`);
  }
  if (outcome.genesis) {
    notes.push(
      `genesis: the log was chained on upgrade; its genesis checkpoint (position ${outcome.genesis.position}, signed ${outcome.genesis.signedAt}) vouches the log has not changed since, not that it was whole before`,
    );
  }
  return notes;
}

export function textReport(outcome: VerifyOutcome, context: VerifyContext): string {
  return [resultLine(outcome), ...noteLines(outcome, context).map((note) => `  ${note}`)].join('\n') + '\n';
}

const checkpointSummary = (checkpoint: SignedCheckpoint | undefined) =>
  checkpoint
    ? {
        position: checkpoint.position,
        events: checkpoint.events,
        logHash: checkpoint.logHash,
        signedAt: checkpoint.signedAt,
        keyId: checkpoint.keyId,
        genesis: checkpoint.genesis === true,
      }
    : null;

export function jsonReport(outcome: VerifyOutcome, context: VerifyContext): string {
  const { report } = outcome;
  const body = {
    result: report.break ? 'break' : 'verified',
    message: resultLine(outcome),
    source: context.source,
    trust: {
      keyIds: context.trust.keys.map((key) => key.keyId),
      from: context.trust.from,
      ...(context.trust.file ? { file: context.trust.file } : {}),
    },
    start: checkpointSummary(outcome.start),
    events: outcome.checked,
    lastPosition: report.lastPosition,
    logHash: report.logHash,
    checkpoints: report.checkpoints,
    lastCheckpoint: checkpointSummary(report.lastCheckpoint),
    unsignedTail: report.unsignedTail,
    genesis: checkpointSummary(outcome.genesis),
    break: report.break ?? null,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
