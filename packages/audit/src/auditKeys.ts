/**
 * The keys a verification trusts: the ones the auditor passes (`--public-key`,
 * as given out of band), else the public half of the audit key file, which
 * proves less and is said so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { keyIdOf, publicPartOf, type AuditKey, type AuditPublicKey } from '@tessera/event-store';
import { loadAuditKey } from '@tessera/runtime';
import { UsageError } from './subcommand.ts';

/** The audit key pair identity signs checkpoints with (AUDIT_KEY_FILE, else DATA_DIR/audit-key.json). */
export function loadAuditKeyFile(file: string): AuditKey {
  if (!existsSync(file)) {
    throw new UsageError(
      `no audit key at ${file}: identity creates it on its first start; set AUDIT_KEY_FILE (or DATA_DIR) to where it is`,
    );
  }
  try {
    return loadAuditKey(file);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The public half of the audit key file, as `public-key` prints it and auditors receive it. */
export function publicKeyOfFile(file: string): AuditPublicKey {
  return publicPartOf(loadAuditKeyFile(file));
}

/**
 * Keys from `--public-key` values: each a file or JSON text holding one key
 * (`{"keyId", "jwk"}`), a bare Ed25519 JWK, a list of keys, or `{"keys": [...]}`
 * as the well-known document serves them.
 */
export function parsePublicKeys(values: string[]): AuditPublicKey[] {
  return values.flatMap((value) => {
    const text = /^\s*[[{]/.test(value) ? value : readKeyFile(value);
    const parsed = parseJson(text, /^\s*[[{]/.test(value) ? '--public-key' : value);
    const list = Array.isArray(parsed) ? parsed : (parsed as { keys?: unknown }).keys;
    return (Array.isArray(list) ? list : [parsed]).map((entry) => toPublicKey(entry, value));
  });
}

function toPublicKey(entry: unknown, given: string): AuditPublicKey {
  const candidate = (entry ?? {}) as { keyId?: unknown; kid?: unknown; jwk?: Record<string, unknown> };
  const jwk = candidate.jwk ?? (candidate as Record<string, unknown>);
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || jwk.x === '') {
    throw new UsageError(
      `--public-key ${short(given)}: not an Ed25519 public key (a JWK with kty OKP, crv Ed25519, x)`,
    );
  }
  const keyId = keyIdOf(jwk.x);
  const named = candidate.keyId ?? candidate.kid;
  if (named !== undefined && named !== keyId) {
    throw new UsageError(`--public-key ${short(given)}: its key id ${String(named)} is not its thumbprint ${keyId}`);
  }
  return { keyId, jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x } };
}

function readKeyFile(file: string): string {
  if (!existsSync(file)) throw new UsageError(`--public-key ${file}: no such file (pass a file or the key's JSON)`);
  return readFileSync(file, 'utf8');
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${short(where)} is not JSON`);
  }
}

function short(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
