/**
 * One log line per request, once it is answered: method, route, status,
 * duration, and the correlation id that every line of the request carries.
 * The route is the pattern (`/v1/account/:accountId`), never the path as sent:
 * no query string (forget-password carries an email there), no ids; a request
 * no route matched has none. Bodies are never logged. Health and metrics
 * probes come every few seconds from orchestrators and scrapers: debug.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

const PROBES = new Set(['/health/live', '/health/ready', '/metrics']);

/** The label of the request id on every line a request logs (Fastify's `requestIdLogLabel`). */
export const correlationIdLogLabel = 'correlationId';

/** An `onResponse` hook writing that line. */
export async function logRequest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const route = request.routeOptions.url;
  const line = { method: request.method, route: route ?? null, status: reply.statusCode, durationMs: Math.round(reply.elapsedTime * 10) / 10 };
  if (route !== undefined && PROBES.has(route)) request.log.debug(line, 'request');
  else request.log.info(line, 'request');
}
