import sodium from 'sodium-native';

export interface PasswordHashingParameters {
  /** Memory per hash in bytes; OWASP's minimum for argon2id is 19 MiB. */
  memoryBytes: number;
  /** Passes over memory; OWASP pairs 19 MiB with 2. */
  iterations: number;
}

export const owaspMinimum: PasswordHashingParameters = { memoryBytes: 19 * 1024 * 1024, iterations: 2 };

export interface PasswordHasher {
  /** argon2id in libsodium's encoded string form; runs on libuv's thread pool, not the event loop. */
  hash(password: string): Promise<string>;
  /** Whether `password` matches `encoded`; false for a malformed hash. */
  verify(encoded: string, password: string): Promise<boolean>;
  /**
   * Spends the time of one verification on a hash that matches nothing, so an
   * unknown user takes as long to refuse as a wrong password.
   */
  verifyDummy(password: string): Promise<void>;
}

export async function createPasswordHasher(
  parameters: PasswordHashingParameters = owaspMinimum,
): Promise<PasswordHasher> {
  if (
    parameters.memoryBytes < sodium.crypto_pwhash_MEMLIMIT_MIN ||
    parameters.iterations < sodium.crypto_pwhash_OPSLIMIT_MIN
  ) {
    throw new Error('password hashing parameters are below libsodium minimums');
  }
  const hash = async (password: string): Promise<string> => {
    const output = Buffer.alloc(sodium.crypto_pwhash_STRBYTES);
    await sodium.crypto_pwhash_str_async(
      output,
      Buffer.from(password.normalize('NFC'), 'utf8'),
      parameters.iterations,
      parameters.memoryBytes,
    );
    const end = output.indexOf(0);
    return output.subarray(0, end === -1 ? output.length : end).toString('utf8');
  };
  const verify = async (encoded: string, password: string): Promise<boolean> => {
    const stored = Buffer.alloc(sodium.crypto_pwhash_STRBYTES);
    if (Buffer.byteLength(encoded) >= stored.length) return false;
    stored.write(encoded, 'utf8');
    try {
      return await sodium.crypto_pwhash_str_verify_async(stored, Buffer.from(password.normalize('NFC'), 'utf8'));
    } catch {
      return false;
    }
  };
  // Made once at start with the configured parameters, so it costs what a real verification costs.
  const dummyHash = await hash(randomTokenForDummy());
  return {
    hash,
    verify,
    async verifyDummy(password) {
      await verify(dummyHash, password);
    },
  };
}

function randomTokenForDummy(): string {
  const bytes = Buffer.alloc(32);
  sodium.randombytes_buf(bytes);
  return bytes.toString('base64');
}
