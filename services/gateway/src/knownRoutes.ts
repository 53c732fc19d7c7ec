/**
 * Which methods a path answers to, so that a wrong method on a known path is
 * told apart from an unknown path: 405 with `Allow` (RFC 9110 §15.5.6), not
 * 404. Fastify's own router is not exposed, so every route is also entered in
 * a second router of the same library, matching as Fastify's does.
 */
import FindMyWay from 'find-my-way';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** The methods some route answers to at this URL's path, in a stable order; empty for an unknown path. */
    allowedMethods(url: string): string[];
  }
}

export const knownRoutesPlugin = fp(
  async (app) => {
    const router = FindMyWay({ ignoreTrailingSlash: false, caseSensitive: true });
    const methods = new Set<string>();
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) {
        if (methods.has(method) && router.hasRoute(method as FindMyWay.HTTPMethod, route.url)) continue;
        methods.add(method);
        router.on(method as FindMyWay.HTTPMethod, route.url, () => undefined);
      }
    });
    app.decorate('allowedMethods', (url: string) => {
      const path = url.split('?')[0] ?? '/';
      return [...methods].sort().filter((method) => router.find(method as FindMyWay.HTTPMethod, path) !== null);
    });
  },
  { name: 'tessera-known-routes' },
);
