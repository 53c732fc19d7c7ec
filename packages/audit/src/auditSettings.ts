/**
 * Where the audit tools find the log and the audit key, from the environment,
 * as the replay CLI and the services read it: EVENTSTORE_URL, else the SQLite
 * file DATA_DIR/events.sqlite; AUDIT_KEY_FILE, else DATA_DIR/audit-key.json.
 */
import path from 'node:path';
import { createLogger } from '@tessera/logging';
import { connectEventStore, readEnv } from '@tessera/runtime';
import { openSqliteLog } from './sources/sqliteLog.ts';
import { storeLog } from './sources/storeLog.ts';
import type { LogSource } from './sources/logSource.ts';

export interface AuditSettings {
  dataDir: string;
  eventStoreUrl: string | undefined;
  auditKeyFile: string;
  kafkaBrokers: string[];
}

/** @throws ConfigError listing every problem. */
export function readAuditSettings(env: NodeJS.ProcessEnv): AuditSettings {
  const read = readEnv(env);
  const dataDir = path.resolve(read.text('DATA_DIR', './data'));
  const settings = {
    dataDir,
    eventStoreUrl: read.optional('EVENTSTORE_URL'),
    auditKeyFile: path.resolve(read.text('AUDIT_KEY_FILE', path.join(dataDir, 'audit-key.json'))),
    kafkaBrokers: read.list('KAFKA_BROKERS', []),
  };
  read.done();
  return settings;
}

/** The store the services write: EventStoreDB through its adapter, or the SQLite file read-only. */
export async function openStoreLog(settings: AuditSettings): Promise<LogSource> {
  const { eventStoreUrl, dataDir } = settings;
  if (!eventStoreUrl) return openSqliteLog(path.join(dataDir, 'events.sqlite'));
  // Logs go to stderr: stdout carries the report or the public key.
  const logger = createLogger('audit', { level: 'warn', destination: process.stderr as never });
  const eventStore = await connectEventStore({ eventStoreUrl, dataDir }, logger);
  // Named without its credentials, if the URL carries any.
  return storeLog(eventStore, `EventStoreDB at ${eventStoreUrl.replace(/\/\/[^@/]*@/, '//').split('?')[0]}`);
}
