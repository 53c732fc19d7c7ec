/**
 * What an email without a user gets in place of a user's data, so its answers
 * and their cost look like a real user's.
 */
import { keyedHash } from '@tessera/crypto';

/** Shapes of real numbers (prefix, length with the plus) that decoys imitate. */
const SHAPES: Array<[string, number]> = [['+33', 12], ['+44', 13], ['+49', 13], ['+1', 12], ['+34', 12], ['+39', 13], ['+31', 12], ['+41', 12]];

/**
 * A plausible phone number for an email that has no user, the same every time
 * for that email: its masked form can then not tell an attacker which emails exist.
 */
export function decoyPhoneNumber(hashingKey: Buffer, email: string): string {
  const hash = keyedHash(hashingKey, 'decoy-phone', email);
  const [prefix, length] = SHAPES[parseInt(hash.slice(0, 2), 16) % SHAPES.length]!;
  let digits = '';
  for (let index = 2; digits.length < length - prefix.length; index += 2) digits += String(parseInt(hash.slice(index, index + 2), 16) % 10);
  return prefix + digits;
}

/**
 * The id of a user stream that no user can have (real ids are UUIDs), the same
 * for one email: an unknown email reads it, finds nothing, and so costs the
 * same round trips as a known one.
 */
export function decoyUserId(hashingKey: Buffer, email: string): string {
  return `unknown-${keyedHash(hashingKey, 'decoy-user', email)}`;
}
