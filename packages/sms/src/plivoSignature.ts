/**
 * Checks that a delivery report (status callback) really comes from Plivo,
 * by its V3 signature: headers `X-Plivo-Signature-V3` (one or more
 * comma-separated base64 signatures, several while an auth token rotates)
 * and `X-Plivo-Signature-V3-Nonce`.
 *
 * The algorithm is the one the plivo SDK's `validateV3Signature` implements;
 * it is reimplemented here because the SDK compares with `===` (timing
 * leaks), throws on a missing header or an unknown method, and encodes the
 * URL to UTF-8 twice (harmless for the ASCII URLs Plivo calls). Signed text:
 *   URL without query or fragment
 *   GET:  + `?k=v&k=v` over the query's and the params' pairs, sorted by key then value
 *   POST: + `?` + the URL's own query sorted that way (then `.`, if there was one)
 *         + every param as `keyvalue`, sorted by key (nothing at all without params)
 *   + `.` + nonce
 * HMAC-SHA256 with the auth token, base64.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface PlivoSignatureInput {
  /** The callback's method, GET or POST. */
  method: string;
  /** The URL exactly as configured at Plivo (the public one, not the one behind a proxy). */
  url: string;
  /** The form (POST) or query (GET) parameters, decoded. */
  params: Record<string, string>;
  /** `X-Plivo-Signature-V3-Nonce`. */
  nonce: string | undefined;
  /** `X-Plivo-Signature-V3`. */
  signature: string | undefined;
  authToken: string;
}

/** Computes the V3 signature Plivo sends for a request; used by tests and fakes of Plivo. */
export function signPlivoRequest(input: Omit<PlivoSignatureInput, 'signature' | 'nonce'> & { nonce: string }): string {
  return createHmac('sha256', input.authToken)
    .update(`${signedUrl(input.method, input.url, input.params)}.${input.nonce}`)
    .digest('base64');
}

/** Whether the request carries a valid Plivo V3 signature; false, never a throw, on anything missing or malformed. */
export function verifyPlivoSignature(input: PlivoSignatureInput): boolean {
  try {
    const { nonce, signature, authToken } = input;
    if (!nonce || !signature || !authToken) return false;
    const expected = Buffer.from(signPlivoRequest({ ...input, nonce }));
    let matched = false;
    for (const candidate of signature.split(',')) {
      const given = Buffer.from(candidate.trim());
      // Every candidate is compared, so the time taken does not say which one matched.
      if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
    }
    return matched;
  } catch {
    return false;
  }
}

function signedUrl(method: string, url: string, params: Record<string, string>): string {
  const cut = url.search(/[?#]/);
  const base = cut === -1 ? url : url.slice(0, cut);
  const query = cut !== -1 && url[cut] === '?' ? (url.slice(cut + 1).split('#', 1)[0] ?? '') : '';
  const pairs = [...new URLSearchParams(query)];
  const upper = method.toUpperCase();
  if (upper === 'GET') {
    const all = sortedQuery([...pairs, ...Object.entries(params)]);
    return all ? `${base}?${all}` : base;
  }
  if (upper !== 'POST') throw new Error('Plivo signs GET and POST callbacks only');
  const own = sortedQuery(pairs);
  const keys = Object.keys(params).sort();
  if (keys.length === 0) return own ? `${base}?${own}` : base;
  return `${base}?${own}${own ? '.' : ''}${keys.map((key) => `${key}${params[key]}`).join('')}`;
}

function sortedQuery(pairs: Array<[string, string]>): string {
  const byKey = new Map<string, string[]>();
  for (const [key, value] of pairs) byKey.set(key, [...(byKey.get(key) ?? []), value]);
  return [...byKey.keys()]
    .sort()
    .flatMap((key) => (byKey.get(key) ?? []).sort().map((value) => `${key}=${value}`))
    .join('&');
}
