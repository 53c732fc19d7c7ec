/**
 * The relying parties identity's configuration names, one per API client
 * (ADR 31), and the rules a configured one keeps: checked at start, so a typo
 * fails there rather than as every passkey of a partner refused.
 */
import type { RelyingParty } from './passkeyVerification.ts';

export type { RelyingParty };

/** A DNS host name as WebAuthn takes an rp id: lower-case labels, no scheme, port or path (`localhost` allowed). */
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
export const RELYING_PARTY_NAME_MAX_LENGTH = 64;
const ORIGIN_MAX_LENGTH = 256;
const ORIGINS_MAX = 16;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An origin as a browser states it: `http(s)://host[:port]`, nothing after. */
function originProblem(origin: unknown, rpId: unknown): string | undefined {
  if (typeof origin !== 'string' || origin.length > ORIGIN_MAX_LENGTH)
    return 'is not a string of at most 256 characters';
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'is not an http or https URL';
  if (url.origin !== origin) return `is not an origin (write it as ${JSON.stringify(url.origin)})`;
  // Browsers refuse a relying party whose id is not the page's host or a suffix of it: every passkey would fail.
  if (typeof rpId === 'string' && url.hostname !== rpId && !url.hostname.endsWith(`.${rpId}`))
    return `is not on the relying party's domain ${JSON.stringify(rpId)}`;
  return undefined;
}

function relyingPartyProblems(clientId: string, party: unknown): string[] {
  const at = `client ${JSON.stringify(clientId.slice(0, 64))}`;
  if (!isObject(party)) return [`${at} needs an object {id, name, origins}`];
  const problems: string[] = [];
  const unknown = Object.keys(party).filter((key) => !['id', 'name', 'origins'].includes(key));
  if (unknown.length > 0) problems.push(`${at} has unknown fields ${unknown.join(', ')}`);
  if (typeof party.id !== 'string' || !HOST_NAME.test(party.id))
    problems.push(`${at}: id must be a lower-case host name such as app.example.com, with no scheme, port or path`);
  const { name } = party;
  if (typeof name !== 'string' || [...name].length < 1 || [...name].length > RELYING_PARTY_NAME_MAX_LENGTH)
    problems.push(`${at}: name must be 1 to ${RELYING_PARTY_NAME_MAX_LENGTH} characters`);
  const { origins } = party;
  if (!Array.isArray(origins) || origins.length < 1 || origins.length > ORIGINS_MAX) {
    problems.push(`${at}: origins must be a list of 1 to ${ORIGINS_MAX} origins such as https://app.example.com`);
    return problems;
  }
  origins.forEach((origin, index) => {
    const problem = originProblem(origin, party.id);
    if (problem) problems.push(`${at}: origins[${index}] ${problem}`);
  });
  return problems;
}

/** Every problem of a configured map of client ids to relying parties, in words; none when it is usable. */
export function relyingPartiesProblems(parties: unknown): string[] {
  if (!isObject(parties)) return ['must be a JSON object of client ids to relying parties'];
  return Object.entries(parties).flatMap(([clientId, party]) => relyingPartyProblems(clientId, party));
}
