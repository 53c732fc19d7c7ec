import sodium from 'sodium-native';
import { AEAD_KEY_BYTES, aeadDecrypt, aeadEncrypt } from './aead.ts';

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
  const message = Buffer.from(JSON.stringify(value), 'utf8');
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
  try {
    return JSON.parse(message.toString('utf8')) as T;
  } catch {
    return undefined;
  } finally {
    sodium.sodium_memzero(message);
  }
}

/**
 * A request only its recipient can read, answered so that only the sender can
 * read the answer: the value and a fresh reply key are sealed together to the
 * recipient, who encrypts the reply under that key. Nothing on the wire
 * between them is readable, in either direction.
 */
export function sealRequest(recipientPublicKey: Buffer, value: unknown): { sealed: string; replyKey: Buffer } {
  const replyKey = generateReplyKey();
  return { sealed: sealJson(recipientPublicKey, { value, replyKey: replyKey.toString('base64') }), replyKey };
}

/** Opens a sealed request; undefined when it was not sealed to this key pair. */
export function openRequest<T>(keyPair: BoxKeyPair, sealed: string): { value: T; replyKey: Buffer } | undefined {
  const opened = openSealedJson<{ value: T; replyKey: string }>(keyPair, sealed);
  if (!opened || typeof opened.replyKey !== 'string') return undefined;
  const replyKey = Buffer.from(opened.replyKey, 'base64');
  return replyKey.length === AEAD_KEY_BYTES ? { value: opened.value, replyKey } : undefined;
}

export function sealReply(replyKey: Buffer, value: unknown): string {
  return aeadEncrypt(replyKey, Buffer.from(JSON.stringify(value), 'utf8'), 'reply').toString('base64');
}

export function openReply<T>(replyKey: Buffer, sealed: string): T | undefined {
  const message = aeadDecrypt(replyKey, Buffer.from(sealed, 'base64'), 'reply');
  if (!message) return undefined;
  try {
    return JSON.parse(message.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

function generateReplyKey(): Buffer {
  const key = Buffer.alloc(AEAD_KEY_BYTES);
  sodium.randombytes_buf(key);
  return key;
}
