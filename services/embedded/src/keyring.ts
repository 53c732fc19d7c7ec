/**
 * The embedded default's keys, made on first run and kept in
 * `<dataDir>/keys.json` (owner-only). Production deployments provide them from
 * a secret manager instead; nothing here is meant to leave the machine.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateBoxKeyPair, generateSecretKey, type BoxKeyPair } from '@tessera/crypto';
import type { SigningKey } from '@tessera/gateway';

export interface Keyring {
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

const toStored = (pair: BoxKeyPair) => ({ publicKey: pair.publicKey.toString('base64'), secretKey: pair.secretKey.toString('base64') });
const fromStored = (pair: { publicKey: string; secretKey: string }): BoxKeyPair => ({
  publicKey: Buffer.from(pair.publicKey, 'base64'), secretKey: Buffer.from(pair.secretKey, 'base64'),
});

export function newSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    kid: randomUUID(),
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

/** Loads the keyring, creating it on first run. */
export function loadOrCreateKeyring(dataDir: string): { keyring: Keyring; created: boolean } {
  const file = path.join(dataDir, 'keys.json');
  let created = false;
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    const stored: StoredKeyring = {
      signingKeys: [newSigningKey()],
      hashingKey: generateSecretKey().toString('base64'),
      commandKeyPair: toStored(generateBoxKeyPair()),
      notifierKeyPair: toStored(generateBoxKeyPair()),
    };
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600, flag: 'wx' });
    created = true;
  }
  const stored = JSON.parse(readFileSync(file, 'utf8')) as StoredKeyring;
  return {
    created,
    keyring: {
      signingKeys: stored.signingKeys,
      hashingKey: Buffer.from(stored.hashingKey, 'base64'),
      commandKeyPair: fromStored(stored.commandKeyPair),
      notifierKeyPair: fromStored(stored.notifierKeyPair),
    },
  };
}
