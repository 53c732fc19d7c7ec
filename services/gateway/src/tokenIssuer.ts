/**
 * The issuer every token names (`iss`, RFC 9068): the public base URL when
 * configured; in development the address this gateway listens on, known only
 * once it listens (`PORT=0` picks the port then).
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** Before the gateway listens (route tests that only inject requests), tokens name this issuer. */
const notListening = 'http://localhost';

/** The issuer as configured, without a trailing slash: `https://api.example.com/` names `https://api.example.com`. */
export function normalisedIssuer(value: string): string {
  return value.replace(/\/+$/, '');
}

/** A function, since a development gateway's issuer is known only once it listens; remembered from then on. */
export function tokenIssuer(app: FastifyInstance, configured: string | undefined): () => string {
  if (configured !== undefined) return () => configured;
  let listening: string | undefined;
  return () => {
    if (listening !== undefined) return listening;
    const address = app.server.listening ? app.server.address() : null;
    if (address === null || typeof address === 'string') return notListening;
    listening = originOf(address);
    return listening;
  };
}

/** An origin a local client can reach: a gateway listening on every interface is reached on loopback. */
function originOf({ address, family, port }: AddressInfo): string {
  if (address === '0.0.0.0') return `http://127.0.0.1:${port}`;
  if (address === '::') return `http://[::1]:${port}`;
  return family === 'IPv6' ? `http://[${address}]:${port}` : `http://${address}:${port}`;
}

/**
 * Why a configured issuer cannot be one, or undefined when it can: an absolute http(s) URL without query or
 * fragment (RFC 8414 §2). Downstream services compare `iss` with it character for character.
 */
export function issuerProblem(value: string): string | undefined {
  if (value.trim() !== value) return 'must not begin or end with spaces';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http or https URL';
  if (url.search || url.hash || value.includes('?') || value.includes('#')) return 'must have no query or fragment';
  if (url.username || url.password) return 'must not hold a user name or password';
  return undefined;
}
