/**
 * `npm run audit -- issue-credential --auditor <name> --expires <ISO time | days> --out FILE`, run by the operator:
 * writes an auditor credential signed with the audit key, which the auditor passes to `history --credential FILE`
 * to read personal data until it expires. The file is the credential: hand it over as a secret.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError } from '@tessera/runtime';
import { issueAuditorCredential } from './auditorCredential.ts';
import { loadAuditKeyFile } from '../auditKeys.ts';
import { exitStatus, UsageError, type Subcommand } from '../subcommand.ts';
import { readHistorySettings } from './historySettings.ts';

/** A credential lives a year at most: an audit that takes longer is given a new one. */
export const MAX_CREDENTIAL_DAYS = 366;
const DAY_MS = 24 * 3600 * 1000;

export const ISSUE_CREDENTIAL_USAGE = `issue-credential --auditor NAME --expires <TIME | DAYS> --out FILE
      for the operator: write an auditor credential signed with the audit key (AUDIT_KEY_FILE, else
      DATA_DIR/audit-key.json), scope personal-data:read, valid until TIME (ISO 8601) or for DAYS days,
      ${MAX_CREDENTIAL_DAYS} at most. The file (owner-only) is the credential: hand it to the auditor as a secret;
      they pass it to history --credential.
      exit status: 0 written, 1 failed, 2 bad usage or configuration`;

function expiryOf(value: string, now: Date): Date {
  const days = /^(\d{1,4})d?$/.exec(value.trim());
  const expiresAt = days ? new Date(now.getTime() + Number(days[1]) * DAY_MS) : new Date(value);
  if (Number.isNaN(expiresAt.getTime()))
    throw new UsageError('--expires must be an ISO 8601 time or a number of days (e.g. 30)');
  if (expiresAt <= now) throw new UsageError('--expires must be in the future');
  if (expiresAt.getTime() - now.getTime() > MAX_CREDENTIAL_DAYS * DAY_MS)
    throw new UsageError(`--expires must be within ${MAX_CREDENTIAL_DAYS} days`);
  return expiresAt;
}

function parseIssueArguments(argv: string[], now: Date) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { auditor: { type: 'string' }, expires: { type: 'string' }, out: { type: 'string' } },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const auditor = values.auditor?.trim() ?? '';
  if (auditor.length === 0 || auditor.length > 200 || /[\u0000-\u001f\u007f]/.test(auditor))
    throw new UsageError('--auditor must name the auditor in 1 to 200 characters on one line');
  if (values.expires === undefined) throw new UsageError('--expires is required');
  if (!values.out) throw new UsageError('--out FILE is required');
  return { auditor, expiresAt: expiryOf(values.expires, now), out: values.out };
}

export async function runIssueCredential(argv: string[]): Promise<number> {
  const now = new Date();
  try {
    const { auditor, expiresAt, out } = parseIssueArguments(argv, now);
    const key = loadAuditKeyFile(readHistorySettings(process.env).auditKeyFile);
    const credential = issueAuditorCredential(key, {
      credentialId: randomUUID(),
      auditor,
      issuedAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
    });
    try {
      writeFileSync(out, `${JSON.stringify(credential, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(
        code === 'EEXIST' ? `${out} exists: name a new file` : `cannot write ${out} (${code ?? 'error'})`,
      );
    }
    process.stdout.write(
      `credential ${credential.credentialId} for ${auditor}, personal-data:read until ${credential.expiresAt}, written to ${out}\n`,
    );
    return exitStatus.done;
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nusage: npm run audit -- ${ISSUE_CREDENTIAL_USAGE}\n`);
      return exitStatus.usage;
    }
    process.stderr.write(`issue-credential failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return exitStatus.failed;
  }
}

export const issueCredentialCommand: Subcommand = { usage: ISSUE_CREDENTIAL_USAGE, run: runIssueCredential };
