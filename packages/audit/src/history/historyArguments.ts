/** The arguments of `audit history`, checked before anything is opened. */
import { parseArgs } from 'node:util';
import { AuditUsageError } from './auditSettings.ts';
import { HISTORY_FORMATS, type HistoryFormat } from './historyFormats.ts';

export const HISTORY_USAGE = [
  'usage: npm run --silent audit -- history --user <userId | email> [--client <clientId>] [--credential FILE]',
  '         [--as-of <ISO time>] [--format text|jsonl|csv]',
  '  the user’s events as a timeline; with --as-of, the user’s state at that time instead.',
  '  Personal fields open only with an auditor credential (audit issue-credential), and each such read is recorded.',
  'exit status: 0 done, 1 failed, 2 bad usage, configuration or a forged credential, 3 no such user',
].join('\n');

export interface HistoryArguments {
  user: string;
  clientId?: string;
  credentialFile?: string;
  asOf?: Date;
  format: HistoryFormat;
}

/** @throws AuditUsageError naming what is wrong. */
export function parseHistoryArguments(argv: string[]): HistoryArguments {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        user: { type: 'string' },
        client: { type: 'string' },
        credential: { type: 'string' },
        'as-of': { type: 'string' },
        format: { type: 'string', default: 'text' },
      },
    }));
  } catch (error) {
    throw new AuditUsageError((error as Error).message);
  }
  const user = values.user?.trim();
  if (!user) throw new AuditUsageError('name the user: --user <userId | email>');
  if (!HISTORY_FORMATS.includes(values.format as HistoryFormat))
    throw new AuditUsageError(`--format must be one of ${HISTORY_FORMATS.join(', ')}`);
  const asOf = values['as-of'] === undefined ? undefined : new Date(values['as-of']);
  if (asOf !== undefined && Number.isNaN(asOf.getTime()))
    throw new AuditUsageError('--as-of must be an ISO 8601 time, e.g. 2026-12-01T12:00:00Z');
  return {
    user,
    format: values.format as HistoryFormat,
    ...(values.client !== undefined ? { clientId: values.client } : {}),
    ...(values.credential !== undefined ? { credentialFile: values.credential } : {}),
    ...(asOf !== undefined ? { asOf } : {}),
  };
}
