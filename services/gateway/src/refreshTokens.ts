/**
 * Refresh tokens name their user: `<userId>.<secret>`, the secret 256 random
 * bits. Identity keeps only the secret's hash and compares it; the user id
 * lets a client revoke a token with nothing else in hand (RFC 7009), and is
 * no secret (the same answer names the user). Tokens issued before this
 * format carry the secret alone and keep working: a refresh names its user
 * by email.
 */
import { generateSecretToken, hashSecretToken } from '@tessera/crypto';

/** A user id as the gateway accepts one from a token: a UUID, so nothing else reaches a stream name. */
const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A new refresh token's secret, and the hash identity keeps; the token itself is made once the user is known. */
export function newRefreshSecret(): { secret: string; hash: string } {
  const secret = generateSecretToken();
  return { secret, hash: hashSecretToken(secret) };
}

/** The refresh token handed out: the user, then the secret. */
export function refreshTokenOf(userId: string, secret: string): string {
  return `${userId}.${secret}`;
}

/** What a presented refresh token says: the hash of its secret, and its user when it names one. */
export function presentedRefreshToken(token: string): { hash: string; userId?: string } {
  const dot = token.lastIndexOf('.');
  if (dot < 0) return { hash: hashSecretToken(token) };
  const userId = token.slice(0, dot);
  const hash = hashSecretToken(token.slice(dot + 1));
  return USER_ID.test(userId) ? { hash, userId } : { hash };
}
