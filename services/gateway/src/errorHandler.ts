/**
 * One mapping from anything thrown to the envelope: catalogued errors as they
 * are, Fastify's own errors to their catalogue entries, and anything else to a
 * bare 500 whose details go only to the log.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError, errorCatalogue, type ErrorName } from '@tessera/contracts';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { failure } from './envelope.ts';

/** Fields whose format errors deserve their own code, so apps can point at the field. */
const FIELD_ERRORS: Record<string, ErrorName> = {
  phoneNumber: 'INVALID_PHONE_NUMBER',
  email: 'INVALID_EMAIL',
  password: 'PASSWORD_POLICY',
  passwordConfirm: 'PASSWORD_POLICY',
};

const SAFE_FIELD = /^[A-Za-z][A-Za-z0-9_]{0,40}$/;

function validationError(error: FastifyError): { name: ErrorName; detail?: string } {
  const first = error.validation?.[0];
  const params = (first?.params ?? {}) as { missingProperty?: unknown };
  const field =
    typeof params.missingProperty === 'string'
      ? params.missingProperty
      : ((first?.instancePath ?? '').split('/')[1] ?? '');
  if (!SAFE_FIELD.test(field)) return { name: 'VALIDATION_FAILED' };
  const fieldError = FIELD_ERRORS[field];
  if (fieldError && typeof params.missingProperty !== 'string') return { name: fieldError };
  return { name: 'VALIDATION_FAILED', detail: `Check the field "${field}".` };
}

function classify(error: FastifyError): { name: ErrorName; detail?: string } {
  if (error.validation) return validationError(error);
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { name: 'BODY_TOO_LARGE' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { name: 'UNSUPPORTED_MEDIA_TYPE' };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { name: 'MALFORMED_BODY' };
    default:
      break;
  }
  if (error.statusCode === 429) return { name: 'RATE_LIMITED' };
  if (error.statusCode === 413) return { name: 'BODY_TOO_LARGE' };
  if (error.statusCode === 415) return { name: 'UNSUPPORTED_MEDIA_TYPE' };
  if (error.statusCode === 414) return { name: 'URI_TOO_LONG' };
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500)
    return { name: 'VALIDATION_FAILED' };
  return { name: 'INTERNAL' };
}

/** A request no route took: 405 with `Allow` when its path takes other methods, 404 otherwise. */
function answerUnrouted(request: FastifyRequest, reply: FastifyReply) {
  const allowed = request.server.allowedMethods(request.url);
  if (allowed.length > 0)
    return reply.status(405).header('allow', allowed.join(', ')).send(failure('METHOD_NOT_ALLOWED'));
  return reply.status(404).send(failure('ROUTE_NOT_FOUND'));
}

/** Anything thrown, as the envelope. Also Fastify's `frameworkErrors`, for what goes wrong before routing. */
export function answerError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  // Fastify refuses a QUERY without Content-Type before looking for its route; no route takes QUERY here.
  if (error.code === 'FST_ERR_ROUTE_MISSING_CONTENT_TYPE' && request.is404) return answerUnrouted(request, reply);
  if (error instanceof ApiError) {
    if (error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
    return reply.status(error.status).send(failure(error.errorName));
  }
  const { name, detail } = classify(error);
  const body = failure(name, detail);
  if (name === 'INTERNAL')
    request.log.error({ err: { type: error.name, message: error.message, stack: error.stack } }, 'unhandled error');
  // The catalogue's status, so every error code always comes with the same status.
  return reply.status(errorCatalogue[name].status).send(body);
}

/**
 * Requests Node's HTTP parser refuses never reach Fastify: a CR, LF or NUL
 * inside a header, a broken request line, a request line and headers past
 * the size limit, a request that never finishes arriving. They get the
 * envelope too, written straight to the socket, which is then closed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const name: ErrorName =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 'HEADERS_TOO_LARGE'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'REQUEST_TIMEOUT'
        : 'VALIDATION_FAILED';
  const { status } = errorCatalogue[name];
  const body = JSON.stringify(failure(name));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(answerError);
  // Probing unknown paths counts against the caller's IP like any request.
  app.setNotFoundHandler({ preValidation: app.rateLimit() }, answerUnrouted);
}
