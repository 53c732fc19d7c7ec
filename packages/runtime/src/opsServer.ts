/**
 * The operations endpoints of a service without an API of its own:
 * /health/live, /health/ready (each dependency named) and /metrics.
 */
import { createServer } from 'node:http';
import type { Registry } from 'prom-client';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export async function runReadiness(
  checks: ReadinessCheck[],
): Promise<{ ready: boolean; checks: Record<string, string> }> {
  const results: Record<string, string> = {};
  await Promise.all(
    checks.map(async ({ name, check }) => {
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref()),
        ]);
        results[name] = 'ok';
      } catch {
        results[name] = 'unavailable';
      }
    }),
  );
  return { ready: Object.values(results).every((status) => status === 'ok'), checks: results };
}

/** The operations endpoints of a running service. */
export interface OpsServer {
  /** From now on, readiness runs `checks`; until this is called, the service answers that it is starting. */
  ready(checks: ReadinessCheck[]): void;
  close(): void;
}

/**
 * Starts the operations endpoints first thing, so that while a service waits
 * for its dependencies an orchestrator (or an operator) sees it alive and
 * starting, not a refused connection it cannot tell from a crash.
 */
export async function startOpsServer(options: { port: number; host?: string; registry: Registry }): Promise<OpsServer> {
  let readiness: ReadinessCheck[] | undefined;
  const server = createServer((request, response) => {
    const reply = (status: number, body: string, type = 'application/json') => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET') return reply(405, JSON.stringify({ status: 'method not allowed' }));
    if (path === '/health/live') return reply(200, JSON.stringify({ status: 'ok' }));
    if (path === '/health/ready') {
      if (!readiness) return reply(503, JSON.stringify({ status: 'starting', checks: { startup: 'in progress' } }));
      void runReadiness(readiness).then(({ ready, checks }) =>
        reply(ready ? 200 : 503, JSON.stringify({ status: ready ? 'ready' : 'not ready', checks })),
      );
      return undefined;
    }
    if (path === '/metrics') {
      void options.registry.metrics().then((text) => reply(200, text, options.registry.contentType));
      return undefined;
    }
    return reply(404, JSON.stringify({ status: 'not found' }));
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host ?? '0.0.0.0', resolve));
  return {
    ready: (checks) => {
      readiness = checks;
    },
    close: () => {
      server.close();
    },
  };
}
