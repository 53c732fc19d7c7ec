/**
 * One log line per request, once it is answered: method, route, status,
 * duration, and the correlation id that every line of the request carries.
 * The route is the pattern (`/v1/account/:accountId`), never the path as sent:
 * no query string (forget-password carries an email there), no ids; a request
 * no route matched has none. Bodies are never logged. Health and metrics
 * probes come every few seconds from orchestrators and scrapers: debug.
 * Fastify's own two lines per request (and its "route not found" line, which
 * holds the path) are not written.
 */
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

const PROBES = new Set(['/health/live', '/health/ready', '/metrics']);

export class RequestLogController extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'correlationId' });
  }

  override incomingRequest(): void {
    // Said once, when the request is answered.
  }

  override routeNotFound(): void {
    // The request's one line says it: a 404 without a route.
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const route = request.routeOptions.url;
    const line = {
      method: request.method,
      route: route ?? null,
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
    };
    // The answer could not be written out whole (the client went away, a stream broke).
    if (error) reply.log.error({ ...line, err: error }, 'request failed while answering');
    else if (route !== undefined && PROBES.has(route)) reply.log.debug(line, 'request');
    else reply.log.info(line, 'request');
  }
}
