/** The arguments of `audit history`, checked before anything is opened. */
import { parseArgs } from 'node:util';
import { UsageError } from '../subcommand.ts';
import { HISTORY_FORMATS, type HistoryFormat } from './historyFormats.ts';

export const HISTORY_USAGE = `history --user <userId | email> [--client ID] [--credential FILE] [--as-of TIME]
                 [--format text|jsonl|csv]
      one user's events as a timeline (time, event, client, correlation id, what changed); an email
      is looked up within each API client, or within --client. Personal fields show as [encrypted]
      unless --credential names an unexpired auditor credential (issue-credential); each such read
      is first recorded in the log (PersonalDataDisclosedToAuditor). After an erasure they show as
      [erased], for anyone. Notes go to stderr, the timeline to stdout.
      --as-of TIME   the user's state at that ISO 8601 time instead of the timeline.
      exit status: 0 done, 1 failed, 2 bad usage or configuration or a forged credential, 3 no such user`;

export interface HistoryArguments {
  user: string;
  clientId?: string;
  credentialFile?: string;
  asOf?: Date;
  format: HistoryFormat;
}

/** @throws UsageError naming what is wrong. */
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
    throw new UsageError((error as Error).message);
  }
  const user = values.user?.trim();
  if (!user) throw new UsageError('name the user: --user <userId | email>');
  if (!HISTORY_FORMATS.includes(values.format as HistoryFormat))
    throw new UsageError(`--format must be one of ${HISTORY_FORMATS.join(', ')}`);
  const asOf = values['as-of'] === undefined ? undefined : new Date(values['as-of']);
  if (asOf !== undefined && Number.isNaN(asOf.getTime()))
    throw new UsageError('--as-of must be an ISO 8601 time, e.g. 2026-12-01T12:00:00Z');
  return {
    user,
    format: values.format as HistoryFormat,
    ...(values.client !== undefined ? { clientId: values.client } : {}),
    ...(values.credential !== undefined ? { credentialFile: values.credential } : {}),
    ...(asOf !== undefined ? { asOf } : {}),
  };
}
