/**
 * Where `history` and `issue-credential` read from, as the replay CLI does:
 * EVENTSTORE_URL else DATA_DIR/events.sqlite; KEYS_FILE else
 * DATA_DIR/keys.json; the per-user key store in MongoDB (MONGO_URL,
 * KEYS_DATABASE) else DATA_DIR; and the audit key (AUDIT_KEY_FILE, else
 * DATA_DIR/audit-key.json). Personal data needs more than verify's settings.
 */
import path from 'node:path';
import { readEnv, type Env } from '@tessera/runtime';

export interface HistorySettings {
  dataDir: string;
  eventStoreUrl: string | undefined;
  mongoUrl: string | undefined;
  keysDatabase: string;
  keysFile: string;
  auditKeyFile: string;
}

/** @throws ConfigError listing every problem. */
export function readHistorySettings(env: Env): HistorySettings {
  const read = readEnv(env);
  const dataDir = path.resolve(read.text('DATA_DIR', './data'));
  const settings = {
    dataDir,
    eventStoreUrl: read.optional('EVENTSTORE_URL'),
    mongoUrl: read.optional('MONGO_URL'),
    keysDatabase: read.text('KEYS_DATABASE', 'tessera_keys'),
    keysFile: path.resolve(read.text('KEYS_FILE', path.join(dataDir, 'keys.json'))),
    auditKeyFile: path.resolve(read.text('AUDIT_KEY_FILE', path.join(dataDir, 'audit-key.json'))),
  };
  read.done();
  return settings;
}
