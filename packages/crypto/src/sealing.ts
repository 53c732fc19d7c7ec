import sodium from 'sodium-native';
import { parseAndWipe, toJsonBytes } from './jsonBytes.ts';

export interface BoxKeyPair {
  publicKey: Buffer;
  secretKey: Buffer;
}

export function generateBoxKeyPair(): BoxKeyPair {
  const publicKey = Buffer.alloc(sodium.crypto_box_PUBLICKEYBYTES);
  const secretKey = Buffer.alloc(sodium.crypto_box_SECRETKEYBYTES);
  sodium.crypto_box_keypair(publicKey, secretKey);
  return { publicKey, secretKey };
}

/** Anonymous sealed box (X25519 + XSalsa20-Poly1305): only the key pair's owner can open it. */
export function sealJson(recipientPublicKey: Buffer, value: unknown): string {
  const message = toJsonBytes(value);
  const sealed = Buffer.alloc(message.length + sodium.crypto_box_SEALBYTES);
  sodium.crypto_box_seal(sealed, message, recipientPublicKey);
  return sealed.toString('base64');
}

/** Opens a sealed box; undefined when it was not sealed to this key pair or was tampered with. */
export function openSealedJson<T>(keyPair: BoxKeyPair, sealedBase64: string): T | undefined {
  const sealed = Buffer.from(sealedBase64, 'base64');
  if (sealed.length <= sodium.crypto_box_SEALBYTES) return undefined;
  const message = Buffer.alloc(sealed.length - sodium.crypto_box_SEALBYTES);
  if (!sodium.crypto_box_seal_open(message, sealed, keyPair.publicKey, keyPair.secretKey)) return undefined;
  return parseAndWipe<T>(message);
}
