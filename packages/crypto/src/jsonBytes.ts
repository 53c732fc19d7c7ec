/** JSON to and from the bytes the sealing functions encrypt; internal to this package. */
import sodium from 'sodium-native';

export function toJsonBytes(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/** Parses decrypted bytes, then wipes them; undefined when there are none or they are not JSON. */
export function parseAndWipe<T>(bytes: Buffer | undefined): T | undefined {
  if (!bytes) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch {
    return undefined;
  } finally {
    sodium.sodium_memzero(bytes);
  }
}
