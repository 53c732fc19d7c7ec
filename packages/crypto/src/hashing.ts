import sodium from 'sodium-native';
import { randomUUID } from 'node:crypto';

const KEYED_HASH_BYTES = 32;

/**
 * Keyed BLAKE2b (hex) of the parts, separated unambiguously. Used where the
 * input is guessable (a 4-digit code, an email): without the key nobody can
 * test guesses against the log.
 */
export function keyedHash(key: Buffer, ...parts: string[]): string {
  if (key.length < sodium.crypto_generichash_KEYBYTES_MIN) throw new Error('hashing key is too short');
  const output = Buffer.alloc(KEYED_HASH_BYTES);
  sodium.crypto_generichash(output, Buffer.from(JSON.stringify(parts), 'utf8'), key);
  return output.toString('hex');
}

/**
 * A 256-bit key for one purpose, derived from a master key by keyed BLAKE2b:
 * holding it reveals nothing of the master key, nor lets its holder compute
 * hashes made with the master key or with another purpose's key. Lets a
 * service get a key of its own from the shared keyring's hashing key.
 */
export function deriveKey(masterKey: Buffer, purpose: string): Buffer {
  if (masterKey.length < sodium.crypto_generichash_KEYBYTES_MIN) throw new Error('master key is too short');
  const output = Buffer.alloc(32);
  sodium.crypto_generichash(output, Buffer.from(`tessera derived key\u0000${purpose}`, 'utf8'), masterKey);
  return output;
}

/**
 * Unkeyed BLAKE2b (base64url) of a high-entropy secret such as a 256-bit
 * refresh token or client secret: guessing is hopeless, so no key is needed
 * and any gateway can compute it.
 */
export function hashSecretToken(token: string): string {
  const output = Buffer.alloc(32);
  sodium.crypto_generichash(output, Buffer.from(token, 'utf8'));
  return output.toString('base64url');
}

/** 256 random bits, base64url (43 characters). */
export function generateSecretToken(): string {
  const bytes = Buffer.alloc(32);
  sodium.randombytes_buf(bytes);
  return bytes.toString('base64url');
}

/** Compares two strings in time independent of where they differ. */
export function constantTimeEqual(left: string, right: string): boolean {
  const a = Buffer.from(left, 'utf8');
  const b = Buffer.from(right, 'utf8');
  if (a.length !== b.length) return false;
  return sodium.sodium_memcmp(a, b);
}

export function generateSecretKey(bytes = 32): Buffer {
  const key = Buffer.alloc(bytes);
  sodium.randombytes_buf(key);
  return key;
}

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random
 * bits. Ids made close in time sort close together, so an index on them grows
 * at its end instead of touching a random page for every new id, as version 4
 * ids do. Use it for ids written often (events, sessions); it tells the time
 * it was made, to the millisecond.
 */
export function timeOrderedUuid(now: number = Date.now()): string {
  // randomUUID draws from Node's entropy cache; its first 48 bits and version are replaced.
  const random = randomUUID();
  const time = Math.max(0, Math.floor(now)).toString(16).padStart(12, '0').slice(-12);
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}
