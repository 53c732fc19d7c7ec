/**
 * Tessera's keys in one owner-only JSON file: token signing keys, the hashing
 * key, identity's command key pair and the notifier's key pair. The embedded
 * default makes it on first run in its data directory; distributed services
 * all read the file named by KEYS_FILE (mounted from a secret store), each
 * using only the keys it needs.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  generateBoxKeyPair,
  generateSecretKey,
  newSigningKey,
  type BoxKeyPair,
  type SigningKey,
} from '@tessera/crypto';

export interface Keyring {
  /** The first key signs; every key verifies (rotation). */
  signingKeys: SigningKey[];
  hashingKey: Buffer;
  commandKeyPair: BoxKeyPair;
  notifierKeyPair: BoxKeyPair;
}

interface StoredKeyring {
  signingKeys: SigningKey[];
  hashingKey: string;
  commandKeyPair: { publicKey: string; secretKey: string };
  notifierKeyPair: { publicKey: string; secretKey: string };
}

const toStored = (pair: BoxKeyPair) => ({
  publicKey: pair.publicKey.toString('base64'),
  secretKey: pair.secretKey.toString('base64'),
});
const fromStored = (pair: { publicKey: string; secretKey: string }): BoxKeyPair => ({
  publicKey: Buffer.from(pair.publicKey, 'base64'),
  secretKey: Buffer.from(pair.secretKey, 'base64'),
});

/** Writes a new keyring unless the file exists; returns whether it wrote one. */
export function createKeyringFile(file: string): boolean {
  if (existsSync(file)) return false;
  mkdirSync(path.dirname(file), { recursive: true });
  const stored: StoredKeyring = {
    signingKeys: [newSigningKey()],
    hashingKey: generateSecretKey().toString('base64'),
    commandKeyPair: toStored(generateBoxKeyPair()),
    notifierKeyPair: toStored(generateBoxKeyPair()),
  };
  try {
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600, flag: 'wx' });
    return true;
  } catch (error) {
    // Another process made it first: theirs is as good as ours.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

export function loadKeyring(file: string): Keyring {
  let stored: StoredKeyring;
  try {
    stored = JSON.parse(readFileSync(file, 'utf8')) as StoredKeyring;
  } catch (error) {
    throw new Error(`cannot read the keyring at ${file}: ${(error as Error).message}`);
  }
  if (
    !Array.isArray(stored.signingKeys) ||
    stored.signingKeys.length === 0 ||
    !stored.hashingKey ||
    !stored.commandKeyPair ||
    !stored.notifierKeyPair
  ) {
    throw new Error(`the keyring at ${file} is incomplete`);
  }
  return {
    signingKeys: stored.signingKeys,
    hashingKey: Buffer.from(stored.hashingKey, 'base64'),
    commandKeyPair: fromStored(stored.commandKeyPair),
    notifierKeyPair: fromStored(stored.notifierKeyPair),
  };
}

/** Loads `<dataDir>/keys.json`, creating it on first run (the embedded default). */
export function loadOrCreateKeyring(dataDir: string): { keyring: Keyring; created: boolean } {
  const file = path.join(dataDir, 'keys.json');
  const created = createKeyringFile(file);
  return { keyring: loadKeyring(file), created };
}

/**
 * Puts a new signing key first (it signs from the next start on) and keeps
 * the `retain` most recent earlier keys, which still verify the tokens they
 * signed until those expire. Returns the new key's id.
 */
export function rotateSigningKey(file: string, options: { retain?: number } = {}): string {
  const stored = JSON.parse(readFileSync(file, 'utf8')) as StoredKeyring;
  const retain = options.retain ?? 2;
  const fresh = newSigningKey();
  stored.signingKeys = [fresh, ...stored.signingKeys.slice(0, retain)];
  writeFileSync(`${file}.tmp`, JSON.stringify(stored, null, 2), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
  return fresh.kid;
}
