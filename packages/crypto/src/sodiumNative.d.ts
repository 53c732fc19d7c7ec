// Types for the part of sodium-native 5 this project uses. The published
// @types package describes the callback-only API of older majors; v5 returns
// promises from the *_async functions.
declare module 'sodium-native' {
  const sodium: {
    crypto_pwhash_STRBYTES: number;
    crypto_pwhash_MEMLIMIT_MIN: number;
    crypto_pwhash_OPSLIMIT_MIN: number;
    crypto_pwhash_str_async(output: Buffer, password: Buffer, opsLimit: number, memLimit: number): Promise<void>;
    crypto_pwhash_str_verify_async(hash: Buffer, password: Buffer): Promise<boolean>;
    crypto_generichash_KEYBYTES_MIN: number;
    crypto_generichash(output: Buffer, input: Buffer, key?: Buffer): void;
    crypto_box_PUBLICKEYBYTES: number;
    crypto_box_SECRETKEYBYTES: number;
    crypto_box_SEALBYTES: number;
    crypto_box_keypair(publicKey: Buffer, secretKey: Buffer): void;
    crypto_box_seal(ciphertext: Buffer, message: Buffer, publicKey: Buffer): void;
    crypto_box_seal_open(message: Buffer, ciphertext: Buffer, publicKey: Buffer, secretKey: Buffer): boolean;
    crypto_kx_PUBLICKEYBYTES: number;
    crypto_kx_SECRETKEYBYTES: number;
    crypto_kx_SESSIONKEYBYTES: number;
    crypto_kx_keypair(publicKey: Buffer, secretKey: Buffer): void;
    /** Throws when the server's public key is not acceptable (a low-order point). */
    crypto_kx_client_session_keys(
      rx: Buffer,
      tx: Buffer,
      clientPublicKey: Buffer,
      clientSecretKey: Buffer,
      serverPublicKey: Buffer,
    ): void;
    /** Throws when the client's public key is not acceptable (a low-order point). */
    crypto_kx_server_session_keys(
      rx: Buffer,
      tx: Buffer,
      serverPublicKey: Buffer,
      serverSecretKey: Buffer,
      clientPublicKey: Buffer,
    ): void;
    randombytes_buf(buffer: Buffer): void;
    randombytes_uniform(upperBound: number): number;
    sodium_memcmp(left: Buffer, right: Buffer): boolean;
    sodium_memzero(buffer: Buffer): void;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
      ciphertext: Buffer,
      message: Buffer,
      associated: Buffer | null,
      nsec: null,
      nonce: Buffer,
      key: Buffer,
    ): number;
    /** Throws when the tag does not verify. */
    crypto_aead_xchacha20poly1305_ietf_decrypt(
      message: Buffer,
      nsec: null,
      ciphertext: Buffer,
      associated: Buffer | null,
      nonce: Buffer,
      key: Buffer,
    ): number;
  };
  export default sodium;
}
