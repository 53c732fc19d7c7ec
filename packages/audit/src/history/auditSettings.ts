/**
 * Where the audit tools read from, as the replay CLI does: EVENTSTORE_URL else
 * DATA_DIR/events.sqlite; KEYS_FILE else DATA_DIR/keys.json; the per-user key
 * store in MongoDB (MONGO_URL, KEYS_DATABASE) else DATA_DIR; and the audit key
 * (AUDIT_KEY_FILE, else DATA_DIR/audit-key.json).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AuditKey } from '@tessera/event-store';
import { readEnv, type Env } from '@tessera/runtime';

export interface AuditSettings {
  dataDir: string;
  eventStoreUrl: string | undefined;
  mongoUrl: string | undefined;
  keysDatabase: string;
  keysFile: string;
  auditKeyFile: string;
}

/** @throws ConfigError listing every problem. */
export function readAuditSettings(env: Env): AuditSettings {
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

/** A problem with what the operator or auditor gave: bad usage or configuration (exit status 2). */
export class AuditUsageError extends Error {}

/** The audit key pair from its file (`{"keyId", "privateJwk"}`), which identity makes on its first start. */
export function readAuditKeyFile(file: string): AuditKey {
  let stored: Partial<AuditKey>;
  try {
    stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<AuditKey>;
  } catch (error) {
    throw new AuditUsageError(
      `cannot read the audit key at ${file} (${(error as NodeJS.ErrnoException).code ?? 'not JSON'}): ` +
        'identity makes it on its first start; set AUDIT_KEY_FILE if it lives elsewhere',
    );
  }
  const jwk = stored.privateJwk;
  if (typeof stored.keyId !== 'string' || jwk?.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.x || !jwk.d)
    throw new AuditUsageError(`the audit key at ${file} is not an Ed25519 key pair with its keyId`);
  return stored as AuditKey;
}
