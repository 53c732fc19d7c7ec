/**
 * RFC 8707 resource indicators: the resources (audiences) an API client's
 * tokens may name, checked alike where a client is registered and where it
 * asks for a token.
 */

/** The most resources a client may be registered with, and the longest one. */
export const resourceLimits = { perClient: 10, length: 256 } as const;

/** RFC 8707 §2: an absolute URI without a fragment. */
export function isResourceUri(value: string): boolean {
  if (value.length === 0 || value.length > resourceLimits.length || /[\s#]/.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}
