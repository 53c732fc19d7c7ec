/**
 * RFC 8707 resource indicators: the resources (audiences) an API client's
 * tokens may name, checked alike where a client is registered and where it
 * asks for a token.
 */

/**
 * The most resources a client may be registered with, the most one token request may name (the token request's
 * largest body stays under the gateway's body limit), and the longest one.
 */
export const resourceLimits = { perClient: 10, perRequest: 3, length: 256 } as const;

/**
 * The characters a resource may hold: a URI's, ASCII (RFC 3986), without `#` (no fragment, RFC 8707 §2) and
 * without the brackets of an IPv6 literal.
 */
export const resourcePattern = "^[A-Za-z0-9._~:/?@!$&'()*+,;=%-]+$";

/** RFC 8707 §2: an absolute URI without a fragment. */
export function isResourceUri(value: string): boolean {
  if (value.length > resourceLimits.length || !new RegExp(resourcePattern).test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}
