/**
 * The personal-data key store port: one data key per user, kept outside the
 * event log (SQLite embedded, MongoDB distributed) so that destroying it
 * erases the user's data from the log without rewriting the log. Keys are
 * stored wrapped (encrypted under a key-encryption key); the store never sees
 * a key in clear.
 */

export type StoredUserKey =
  | { status: 'active'; wrappedKey: string }
  /** A tombstone: the key is gone for good and no new one is ever made for this user. */
  | { status: 'erased'; erasedAt: string };

export interface PersonalDataKeyStore {
  /** Stores `wrappedKey` unless the user already has a key or a tombstone; returns what is stored. */
  putIfAbsent(userId: string, wrappedKey: string): Promise<StoredUserKey>;
  get(userId: string): Promise<StoredUserKey | undefined>;
  /** Replaces the user's key with a tombstone, overwriting the key material; repeating it changes nothing. */
  erase(userId: string, erasedAt: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
