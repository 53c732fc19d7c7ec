/**
 * Request text is UTF-8, strictly. Decoding leniently turns every invalid
 * byte and every unpaired surrogate into U+FFFD, so two different passwords
 * (a latin-1 "é" and "è") became the same string and logged in alike. JSON
 * and form bodies, and query strings, are refused with INVALID_TEXT_ENCODING
 * (400) when their bytes are not UTF-8 or a string in them holds an unpaired
 * surrogate (a `\ud800` escape in JSON); a body that names another charset
 * is refused as an unsupported media type (415).
 */
import { isUtf8 } from 'node:buffer';
import { ApiError } from '@tessera/contracts';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** With the u flag a surrogate pair is one code point: only unpaired surrogates match. */
const UNPAIRED_SURROGATE = /\p{Cs}/u;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;

/** Whether every string in a parsed JSON value, keys included, is well formed. */
function wellFormed(value: unknown): boolean {
  if (typeof value === 'string') return !UNPAIRED_SURROGATE.test(value);
  if (Array.isArray(value)) return value.every(wellFormed);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).every(([key, item]) => !UNPAIRED_SURROGATE.test(key) && wellFormed(item));
  }
  return true;
}

/** No charset, or UTF-8: the only text encoding JSON has (RFC 8259 §8.1), and the one forms are read in. */
function saysUtf8(request: FastifyRequest): boolean {
  const charset = CHARSET.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
}

/** A percent-encoded component, decoded strictly: a broken escape or bytes that are not UTF-8 throw. */
function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw new ApiError('INVALID_TEXT_ENCODING');
  }
}

/** Form fields that may be given more than once, and are then a list: RFC 8707 §2's `resource`. */
const REPEATABLE_FIELDS = new Set(['resource']);

/**
 * `application/x-www-form-urlencoded`, decoded strictly; a name given twice keeps its first value (RFC 6749 §3.2
 * allows a parameter once), except a repeatable one, whose values are then a list.
 */
export function parseForm(text: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = Object.create(null);
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = decodeComponent(equals < 0 ? pair : pair.slice(0, equals));
    const value = decodeComponent(equals < 0 ? '' : pair.slice(equals + 1));
    const earlier = fields[name];
    if (earlier === undefined) fields[name] = value;
    else if (REPEATABLE_FIELDS.has(name)) fields[name] = [...(Array.isArray(earlier) ? earlier : [earlier]), value];
  }
  return fields;
}

/** The query string of a request URL is ASCII, and what its escapes decode to is UTF-8. */
function queryIsText(url: string): boolean {
  const start = url.indexOf('?');
  if (start < 0) return true;
  const query = url.slice(start + 1);
  if (/[^\x21-\x7e]/.test(query)) return false;
  try {
    for (const part of query.split(/[&=]/)) decodeURIComponent(part);
    return true;
  } catch {
    return false;
  }
}

export const requestTextPlugin = fp(
  async (app) => {
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
      if (!saysUtf8(request)) return done(new ApiError('UNSUPPORTED_MEDIA_TYPE'), undefined);
      if (!isUtf8(body)) return done(new ApiError('INVALID_TEXT_ENCODING'), undefined);
      parseJson(request, body.toString('utf8'), (error, value) => {
        if (error) return done(error, undefined);
        return wellFormed(value) ? done(null, value) : done(new ApiError('INVALID_TEXT_ENCODING'), undefined);
      });
    });
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'buffer' },
      (request, body: Buffer, done) => {
        if (!saysUtf8(request)) return done(new ApiError('UNSUPPORTED_MEDIA_TYPE'), undefined);
        if (!isUtf8(body)) return done(new ApiError('INVALID_TEXT_ENCODING'), undefined);
        return done(null, parseForm(body.toString('utf8')));
      },
    );
    // After the body is read, so that a body past the limit is still a 413 whatever the query holds.
    app.addHook('preValidation', async (request) => {
      if (!queryIsText(request.url)) throw new ApiError('INVALID_TEXT_ENCODING');
    });
  },
  { name: 'tessera-request-text' },
);
