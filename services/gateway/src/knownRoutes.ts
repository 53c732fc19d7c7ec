/**
 * Which methods a path answers to, so that a wrong method on a known path is
 * told apart from an unknown path: 405 with `Allow` (RFC 9110 §15.5.6), not
 * 404. Fastify's own router is not exposed, so every route is also entered in
 * a second router of the same library, matching as Fastify's does.
 *
 * A static path is a resource of its own, even where a parametric route of
 * another method would also match it: `/v1/user/sessions/revoke-others` takes
 * POST only, and a DELETE there is a 405, not the deletion of a session named
 * "revoke-others".
 */
import FindMyWay from 'find-my-way';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '@tessera/contracts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The methods some route answers to at this URL's path, in a stable order; empty for an unknown path. */
    allowedMethods(url: string): string[];
  }
}

/** A route's path has parameters or a wildcard. */
const parametric = (url: string) => url.includes(':') || url.includes('*');

export const knownRoutesPlugin = fp(
  async (app) => {
    const router = FindMyWay({ ignoreTrailingSlash: false, caseSensitive: true });
    const methods = new Set<string>();
    /** Static paths, each with the methods its own routes take. */
    const staticPaths = new Map<string, Set<string>>();
    /** A request a parametric route took on a static path whose own routes do not take its method: 405. */
    const refuseOnStaticPath = async (request: FastifyRequest, reply: FastifyReply) => {
      const own = staticPaths.get(request.url.split('?')[0] ?? '/');
      if (!own || own.has(request.method)) return;
      void reply.header('allow', [...own].sort().join(', '));
      throw new ApiError('METHOD_NOT_ALLOWED');
    };
    app.addHook('onRoute', (route) => {
      // Only a parametric route can be reached on a static path; the others pay nothing per request.
      if (parametric(route.url)) route.onRequest = [...[route.onRequest ?? []].flat(), refuseOnStaticPath];
      for (const method of [route.method].flat()) {
        if (!parametric(route.url)) staticPaths.set(route.url, (staticPaths.get(route.url) ?? new Set()).add(method));
        if (methods.has(method) && router.hasRoute(method as FindMyWay.HTTPMethod, route.url)) continue;
        methods.add(method);
        router.on(method as FindMyWay.HTTPMethod, route.url, () => undefined);
      }
    });
    app.decorate('allowedMethods', (url: string) => {
      const path = url.split('?')[0] ?? '/';
      const own = staticPaths.get(path);
      if (own) return [...own].sort();
      return [...methods].sort().filter((method) => router.find(method as FindMyWay.HTTPMethod, path) !== null);
    });
  },
  { name: 'tessera-known-routes' },
);
