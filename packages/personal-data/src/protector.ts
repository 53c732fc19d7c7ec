/**
 * Encrypts and decrypts the personal-data fields of identity events with the
 * user's own key (XChaCha20-Poly1305), and erases a user by destroying that
 * key. Which fields are personal is declared once, in the contracts
 * (`personalDataFields`).
 */
import { PERSONAL_DATA_PREFIX, personalDataFieldsOf } from '@tessera/contracts';
import { AEAD_KEY_BYTES, aeadDecrypt, aeadEncrypt, deriveKey, generateSecretKey } from '@tessera/crypto';
import { LRUCache } from 'lru-cache';
import type { PersonalDataKeyStore } from './keyStore.ts';

type Data = Record<string, unknown>;

export interface PersonalDataProtector {
  /** The data with its personal fields encrypted under the user's key (made on first use). */
  protect(type: string, data: Data): Promise<Data>;
  /**
   * The data with its personal fields decrypted. When the user was erased the
   * fields read as empty strings and `erased` is true.
   */
  reveal(type: string, data: Data): Promise<{ data: Data; erased: boolean }>;
  /** Destroys the user's key; from then on their personal fields open nowhere. */
  erase(userId: string, erasedAt: string): Promise<void>;
  /** Drops a cached key, e.g. when another process recorded the user's erasure. */
  forget(userId: string): void;
}

/** What a reader of events needs: open the personal fields, and drop a cached key once the user is erased. */
export type PersonalDataReader = Pick<PersonalDataProtector, 'reveal' | 'forget'>;

export interface ProtectorOptions {
  keyStore: PersonalDataKeyStore;
  /** Wraps the user keys at rest; derive it with {@link deriveKeyEncryptionKey}. */
  keyEncryptionKey: Buffer;
  /** How long an unwrapped key is reused before the store is asked again (default 30 s): bounds how long another process may still decrypt after an erasure. */
  cacheTtlMs?: number;
  cacheSize?: number;
  now?: () => number;
}

/** The key that wraps user keys, derived from the keyring's secret hashing key so no new secret needs distributing. */
export function deriveKeyEncryptionKey(masterKey: Buffer): Buffer {
  return deriveKey(masterKey, 'personal-data key wrapping');
}

/** Thrown when personal data would be written for a user whose key was erased. */
export class PersonalDataErasedError extends Error {
  constructor(readonly userId: string) {
    super('personal data cannot be written for an erased user');
    this.name = 'PersonalDataErasedError';
  }
}

const fieldContext = (userId: string, field: string) => `${userId}|${field}`;
const wrapContext = (userId: string) => `user-key|${userId}`;

export function isEncryptedField(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(PERSONAL_DATA_PREFIX);
}

export function createPersonalDataProtector(options: ProtectorOptions): PersonalDataProtector {
  const keys = new UserKeys(options);
  return {
    protect: (type, data) => protectFields(keys, type, data),
    reveal: (type, data) => revealFields(keys, type, data),
    async erase(userId, erasedAt) {
      keys.forget(userId);
      await options.keyStore.erase(userId, erasedAt);
    },
    forget(userId) {
      keys.forget(userId);
    },
  };
}

async function protectFields(keys: UserKeys, type: string, data: Data): Promise<Data> {
  const fields = personalDataFieldsOf(type).filter(
    (field) => typeof data[field] === 'string' && !isEncryptedField(data[field]),
  );
  if (fields.length === 0) return data;
  const userId = String(data.userId ?? '');
  if (!userId) throw new Error(`${type} has personal data but no userId`);
  const key = await keys.forWriting(userId);
  const protectedData = { ...data };
  for (const field of fields) {
    const box = aeadEncrypt(key, Buffer.from(data[field] as string, 'utf8'), fieldContext(userId, field));
    protectedData[field] = PERSONAL_DATA_PREFIX + box.toString('base64url');
  }
  return protectedData;
}

async function revealFields(keys: UserKeys, type: string, data: Data): Promise<{ data: Data; erased: boolean }> {
  const fields = personalDataFieldsOf(type).filter((field) => isEncryptedField(data[field]));
  if (fields.length === 0) return { data, erased: false };
  const userId = String(data.userId ?? '');
  const key = await keys.forReading(userId);
  const revealed = { ...data };
  for (const field of fields) {
    const box = Buffer.from((data[field] as string).slice(PERSONAL_DATA_PREFIX.length), 'base64url');
    const plain = key && aeadDecrypt(key, box, fieldContext(userId, field));
    if (key && !plain) throw new Error(`${type}.${field} does not open with the user's key`);
    revealed[field] = plain ? plain.toString('utf8') : '';
  }
  return { data: revealed, erased: !key };
}

/** Users' keys as the key store holds them, unwrapped and kept a while for reuse. */
class UserKeys {
  readonly #keyStore: PersonalDataKeyStore;
  readonly #keyEncryptionKey: Buffer;
  readonly #ttl: number;
  readonly #now: () => number;
  // The time to live is checked here rather than by the cache, against the clock given (tests move it).
  readonly #cache: LRUCache<string, { key: Buffer; at: number }>;

  constructor(options: ProtectorOptions) {
    this.#keyStore = options.keyStore;
    this.#keyEncryptionKey = options.keyEncryptionKey;
    this.#ttl = options.cacheTtlMs ?? 30_000;
    this.#now = options.now ?? Date.now;
    this.#cache = new LRUCache({ max: options.cacheSize ?? 10_000 });
  }

  /** The user's key, made and stored on first use. */
  async forWriting(userId: string): Promise<Buffer> {
    const hit = this.#cached(userId);
    if (hit) return hit;
    const existing = await this.#keyStore.get(userId);
    const stored =
      existing ??
      (await this.#keyStore.putIfAbsent(
        userId,
        aeadEncrypt(this.#keyEncryptionKey, generateSecretKey(AEAD_KEY_BYTES), wrapContext(userId)).toString('base64'),
      ));
    if (stored.status === 'erased') throw new PersonalDataErasedError(userId);
    return this.#remember(userId, this.#unwrap(userId, stored.wrappedKey));
  }

  /** The user's key, or undefined when they have none (never had one, or were erased). */
  async forReading(userId: string): Promise<Buffer | undefined> {
    const hit = this.#cached(userId);
    if (hit) return hit;
    const stored = await this.#keyStore.get(userId);
    if (stored?.status !== 'active') return undefined;
    return this.#remember(userId, this.#unwrap(userId, stored.wrappedKey));
  }

  forget(userId: string): void {
    this.#cache.delete(userId);
  }

  #remember(userId: string, key: Buffer): Buffer {
    this.#cache.set(userId, { key, at: this.#now() });
    return key;
  }

  #cached(userId: string): Buffer | undefined {
    const entry = this.#cache.get(userId);
    if (!entry) return undefined;
    if (this.#now() - entry.at > this.#ttl) {
      this.#cache.delete(userId);
      return undefined;
    }
    return entry.key;
  }

  #unwrap(userId: string, wrappedKey: string): Buffer {
    const key = aeadDecrypt(this.#keyEncryptionKey, Buffer.from(wrappedKey, 'base64'), wrapContext(userId));
    if (!key || key.length !== AEAD_KEY_BYTES) throw new Error('a stored user key does not open with this keyring');
    return key;
  }
}
