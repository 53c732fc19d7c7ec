import sodium from 'sodium-native';

export const AEAD_KEY_BYTES = 32;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;

/**
 * Random nonces are drawn from a pool filled 4 KiB at a time: nonces are
 * public (they travel in front of the ciphertext), and one system call per
 * nonce was a visible cost on the busiest paths. The pool is never reused.
 */
const noncePool = Buffer.alloc(4096);
let noncePoolOffset = noncePool.length;

function fillNonce(nonce: Buffer): void {
  if (noncePoolOffset + nonce.length > noncePool.length) {
    sodium.randombytes_buf(noncePool);
    noncePoolOffset = 0;
  }
  noncePool.copy(nonce, 0, noncePoolOffset, noncePoolOffset + nonce.length);
  noncePoolOffset += nonce.length;
}

/**
 * XChaCha20-Poly1305 (IETF) with a random 192-bit nonce, safe to draw at
 * random for any number of messages. `associated` binds the ciphertext to its
 * place (a user, a field): moved elsewhere it no longer opens.
 * Returns nonce ‖ ciphertext ‖ tag.
 */
export function aeadEncrypt(key: Buffer, message: Buffer, associated: string): Buffer {
  if (key.length !== AEAD_KEY_BYTES) throw new Error('encryption key must be 32 bytes');
  const output = Buffer.alloc(NONCE_BYTES + message.length + TAG_BYTES);
  const nonce = output.subarray(0, NONCE_BYTES);
  fillNonce(nonce);
  sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    output.subarray(NONCE_BYTES),
    message,
    Buffer.from(associated, 'utf8'),
    null,
    nonce,
    key,
  );
  return output;
}

/** Opens what aeadEncrypt made; undefined when the key, the associated data or the bytes are wrong. */
export function aeadDecrypt(key: Buffer, box: Buffer, associated: string): Buffer | undefined {
  if (key.length !== AEAD_KEY_BYTES || box.length < NONCE_BYTES + TAG_BYTES) return undefined;
  const message = Buffer.alloc(box.length - NONCE_BYTES - TAG_BYTES);
  try {
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      message,
      null,
      box.subarray(NONCE_BYTES),
      Buffer.from(associated, 'utf8'),
      box.subarray(0, NONCE_BYTES),
      key,
    );
    return message;
  } catch {
    // sodium-native throws when the tag does not verify.
    return undefined;
  }
}
