/**
 * The breached-password list shipped in services/identity/data (its README
 * says where it comes from), read once into a Set at start: a lookup is then
 * one hash probe, and nothing is fetched at run time.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { BreachedPasswordList } from '../application/breachedPasswordList.ts';
import { foldPassword } from '../domain/passwordPolicy.ts';

export const SHIPPED_BREACHED_PASSWORDS = fileURLToPath(
  new URL('../../data/breachedPasswords.txt.gz', import.meta.url),
);

/** Reads a gzip-compressed list, one password a line; entries are folded again so a hand-edited file still matches. */
export function loadBreachedPasswordList(file: string = SHIPPED_BREACHED_PASSWORDS): BreachedPasswordList {
  const entries = new Set<string>();
  for (const line of gunzipSync(readFileSync(file)).toString('utf8').split('\n')) {
    if (line !== '') entries.add(foldPassword(line));
  }
  if (entries.size === 0) throw new Error(`the breached-password list ${file} is empty`);
  return {
    size: entries.size,
    has: (foldedPassword) => entries.has(foldedPassword),
  };
}
