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
import { AuditUsageError, readAuditKeyFile, readAuditSettings } from './auditSettings.ts';

/** A credential lives a year at most: an audit that takes longer is given a new one. */
export const MAX_CREDENTIAL_DAYS = 366;
const DAY_MS = 24 * 3600 * 1000;

export const ISSUE_CREDENTIAL_USAGE = [
  'usage: npm run audit -- issue-credential --auditor <name> --expires <ISO time | days> --out FILE',
  `  a credential to read personal data with audit history, valid up to ${MAX_CREDENTIAL_DAYS} days; the file is written owner-only.`,
  'exit status: 0 done, 1 failed, 2 bad usage or configuration',
].join('\n');

function expiryOf(value: string, now: Date): Date {
  const days = /^(\d{1,4})d?$/.exec(value.trim());
  const expiresAt = days ? new Date(now.getTime() + Number(days[1]) * DAY_MS) : new Date(value);
  if (Number.isNaN(expiresAt.getTime()))
    throw new AuditUsageError('--expires must be an ISO 8601 time or a number of days (e.g. 30)');
  if (expiresAt <= now) throw new AuditUsageError('--expires must be in the future');
  if (expiresAt.getTime() - now.getTime() > MAX_CREDENTIAL_DAYS * DAY_MS)
    throw new AuditUsageError(`--expires must be within ${MAX_CREDENTIAL_DAYS} days`);
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
    throw new AuditUsageError((error as Error).message);
  }
  const auditor = values.auditor?.trim() ?? '';
  if (auditor.length === 0 || auditor.length > 200 || /[\u0000-\u001f\u007f]/.test(auditor))
    throw new AuditUsageError('--auditor must name the auditor in 1 to 200 characters on one line');
  if (values.expires === undefined) throw new AuditUsageError('--expires is required');
  if (!values.out) throw new AuditUsageError('--out FILE is required');
  return { auditor, expiresAt: expiryOf(values.expires, now), out: values.out };
}

export async function runIssueCredential(argv: string[]): Promise<number> {
  const now = new Date();
  try {
    const { auditor, expiresAt, out } = parseIssueArguments(argv, now);
    const key = readAuditKeyFile(readAuditSettings(process.env).auditKeyFile);
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
      throw new AuditUsageError(
        code === 'EEXIST' ? `${out} exists: name a new file` : `cannot write ${out} (${code ?? 'error'})`,
      );
    }
    process.stdout.write(
      `credential ${credential.credentialId} for ${auditor}, personal-data:read until ${credential.expiresAt}, written to ${out}\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof AuditUsageError || error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n${ISSUE_CREDENTIAL_USAGE}\n`);
      return 2;
    }
    process.stderr.write(`issue-credential failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
