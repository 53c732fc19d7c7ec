/**
 * What an auditor sees of an event's personal fields: the plaintext with a
 * valid credential, "[encrypted]" without one, "[erased]" once the user's key
 * is gone (crypto-shredding: nobody can open them any more). Secrets that are
 * personal data only because they would confirm a guess (password hashes,
 * sealed SMS, a transaction's hash) are never shown at all.
 */
import { personalDataFieldsOf } from '@tessera/contracts';
import type { RecordedEvent } from '@tessera/event-store';
import type { PersonalDataReader } from '@tessera/personal-data';

export const ENCRYPTED = '[encrypted]';
export const ERASED = '[erased]';

/** Fields never shown, whatever the credential: hashes and sealed payloads that only confirm guesses or hold codes. */
export const HIDDEN_FIELDS = new Set([
  'passwordHash',
  'sealedDelivery',
  'sealedNotice',
  'transactionHash',
  'codeHash',
  'codeHashes',
  'refreshTokenHash',
  'previousTokenHash',
  'secretHash',
  'publicKey',
]);

/** How the personal fields of one user's events are opened for this reading. */
export type Disclosure =
  { kind: 'encrypted' } | { kind: 'erased' } | { kind: 'decrypted'; reader: Pick<PersonalDataReader, 'reveal'> };

/**
 * The event's data with its personal fields opened or marked; every other field as stored (what a fold of the
 * user's state reads). Pass it through {@link shownFields} before showing it.
 */
export async function openPersonalFields(
  event: Pick<RecordedEvent, 'type' | 'data'>,
  disclosure: Disclosure,
): Promise<Record<string, unknown>> {
  const personal = personalDataFieldsOf(event.type).filter((field) => typeof event.data[field] === 'string');
  if (personal.length === 0) return event.data;
  let opened = event.data;
  let erased = disclosure.kind === 'erased';
  if (disclosure.kind === 'decrypted') {
    const revealed = await disclosure.reader.reveal(event.type, event.data);
    opened = revealed.data;
    erased = revealed.erased;
  }
  const marked: Record<string, unknown> = { ...opened };
  for (const field of personal)
    marked[field] = erased ? ERASED : disclosure.kind === 'decrypted' ? opened[field] : ENCRYPTED;
  return marked;
}

/** The fields an auditor is shown: all but the hidden ones. */
export function shownFields(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([field]) => !HIDDEN_FIELDS.has(field)));
}
