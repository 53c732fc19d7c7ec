/**
 * Request limits (docs/security.md, ADR 13): per IP on every route, stricter
 * per IP on each sensitive route, and per identifier — the email a request
 * names — whatever the IP, so rotating addresses against one account does not
 * help. Counted in a RateLimitStore: in-process for one gateway, MongoDB when
 * gateways share the count. Past a limit the answer is 429 RATE_LIMITED with
 * Retry-After. The IP is `request.ip`, which the `trustProxy` setting decides.
 */
import rateLimit, { type FastifyRateLimitStoreCtor, type RateLimitOptions } from '@fastify/rate-limit';
import { ApiError, normaliseEmail } from '@tessera/contracts';
import { keyedHash } from '@tessera/crypto';
import type { RateLimitStore } from '@tessera/rate-limits';
import type { FastifyBaseLogger } from 'fastify';
import fp from 'fastify-plugin';
import type { RateLimitSettings } from './gatewayConfig.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Route config of a sensitive route: its own, stricter count per IP instead of the global one. */
    sensitiveRateLimit: { rateLimit: RateLimitOptions };
    /** Counts the request against the email it names, from any IP; throws RATE_LIMITED past the limit. */
    limitIdentifier(identifier: string): Promise<void>;
  }
}

export interface RateLimitsOptions {
  store: RateLimitStore;
  settings: RateLimitSettings;
  /** Keys the hash of IPs and identifiers, so that the store, shared or not, holds no address or email. */
  rateLimitHashKey: Buffer;
}

/** One key space per limit: the global count, each sensitive route's, the identifiers'. */
const keyOf = (...parts: string[]) => JSON.stringify(parts);

export const rateLimitsPlugin = fp<RateLimitsOptions>(
  async (app, options) => {
    const { store, settings } = options;
    const reportStoreFailure = storeFailureReporter(app.log);

    await app.register(rateLimit, {
      global: true,
      max: settings.perIp,
      timeWindow: settings.ipWindowSeconds * 1000,
      store: pluginStore(store, options.rateLimitHashKey, reportStoreFailure),
      // A store outage lets requests through rather than take the API down; identity's login lock still holds.
      skipOnError: true,
      errorResponseBuilder: (_request, context) =>
        new ApiError('RATE_LIMITED', Math.max(1, Math.ceil(context.ttl / 1000))),
    });

    app.decorate('sensitiveRateLimit', {
      rateLimit: { max: settings.sensitivePerIp, timeWindow: settings.ipWindowSeconds * 1000 },
    });

    const identifierWindowMs = settings.identifierWindowSeconds * 1000;
    app.decorate('limitIdentifier', async (identifier: string) => {
      // Normalised as identity normalises emails, so case and spaces do not make a new count.
      const key = keyOf(
        'identifier',
        keyedHash(options.rateLimitHashKey, 'rate-limit-identifier', normaliseEmail(identifier)),
      );
      let window;
      try {
        window = await store.hit(key, identifierWindowMs, settings.perIdentifier);
      } catch (error) {
        reportStoreFailure(error);
        return;
      }
      if (window.count > settings.perIdentifier)
        throw new ApiError('RATE_LIMITED', Math.max(1, Math.ceil(window.resetInMs / 1000)));
    });
  },
  { name: 'tessera-rate-limits' },
);

/**
 * @fastify/rate-limit's store over a RateLimitStore. Routes with a limit of
 * their own count apart, by URL (so HEAD shares GET's count); the rest share
 * the global count.
 */
function pluginStore(
  store: RateLimitStore,
  hashKey: Buffer,
  onError: (error: unknown) => void,
): FastifyRateLimitStoreCtor {
  class PluginStore {
    constructor(
      _options: unknown,
      private readonly scope = 'global',
    ) {}

    incr(
      ip: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
      max: number,
    ) {
      store.hit(keyOf('ip', this.scope, keyedHash(hashKey, 'rate-limit-ip', ip)), timeWindow, max).then(
        ({ count, resetInMs }) => callback(null, { current: count, ttl: resetInMs }),
        (error: Error) => {
          onError(error);
          callback(error);
        },
      );
    }

    // The plugin hands over the route's merged limit options (with routeInfo), not the route options its types name.
    child(options: { routeInfo?: { url?: string } }) {
      return new PluginStore(options, options.routeInfo?.url ? `route ${options.routeInfo.url}` : this.scope);
    }
  }
  return PluginStore as unknown as FastifyRateLimitStoreCtor;
}

/** Logs a failing store once a minute, not once a request. */
function storeFailureReporter(log: FastifyBaseLogger): (error: unknown) => void {
  let lastReportAt = 0;
  return (error) => {
    if (Date.now() - lastReportAt < 60_000) return;
    lastReportAt = Date.now();
    log.error({ err: error }, 'rate-limit store failed: requests pass without a limit until it answers');
  };
}
