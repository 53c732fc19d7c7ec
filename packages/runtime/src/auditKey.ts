/**
 * Identity's audit key (ADR 32): the Ed25519 key pair that signs the event
 * log's checkpoints, in a file of its own (never the keyring: a leak of the
 * token keys must not forge checkpoints, nor the other way round). JSON
 * `{"keyId", "privateJwk"}`, owner-only. The embedded default makes it on first
 * start in its data folder; distributed identity reads AUDIT_KEY_FILE, made by
 * `npm run keys:generate -- --audit <file>`.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateAuditKey, keyIdOf, type AuditKey } from '@tessera/event-store';

/** Writes a new audit key unless the file exists; returns whether it wrote one. */
export function createAuditKeyFile(file: string): boolean {
  if (existsSync(file)) return false;
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    writeFileSync(file, JSON.stringify(generateAuditKey(), null, 2), { mode: 0o600, flag: 'wx' });
    return true;
  } catch (error) {
    // Another process made it first: theirs is as good as ours.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Reads the audit key, checking that its private and public halves belong
 * together and that its id is the public key's thumbprint.
 * @throws Error naming the file and what is wrong with it.
 */
export function loadAuditKey(file: string): AuditKey {
  let stored: Partial<AuditKey>;
  try {
    stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<AuditKey>;
  } catch (error) {
    throw new Error(`cannot read the audit key at ${file}: ${(error as Error).message}`);
  }
  const jwk = stored.privateJwk;
  if (!jwk || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || typeof jwk.d !== 'string') {
    throw new Error(`the audit key at ${file} is not an Ed25519 private JWK under "privateJwk"`);
  }
  let publicX: string;
  try {
    const publicKey = createPublicKey(createPrivateKey({ key: jwk, format: 'jwk' }));
    publicX = (publicKey.export({ format: 'jwk' }) as { x: string }).x;
  } catch (error) {
    throw new Error(`the audit key at ${file} is not a usable Ed25519 key: ${(error as Error).message}`);
  }
  if (publicX !== jwk.x) throw new Error(`the audit key at ${file}: its public part does not match its private part`);
  if (stored.keyId !== keyIdOf(jwk.x)) {
    throw new Error(`the audit key at ${file}: its keyId is not the thumbprint of its public key`);
  }
  return { keyId: stored.keyId, privateJwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d } };
}

/** Loads the audit key at `file`, making it first if there is none (the embedded default). */
export function loadOrCreateAuditKey(file: string): { key: AuditKey; created: boolean } {
  const created = createAuditKeyFile(file);
  return { key: loadAuditKey(file), created };
}
