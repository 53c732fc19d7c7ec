import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

const Status = Type.Object({ status: Type.String(), checks: Type.Optional(Type.Record(Type.String(), Type.String())) });

export const healthRoutes: FastifyPluginAsyncTypebox<{ readiness: ReadinessCheck[] }> = async (app, options) => {
  // Probes come often from a few addresses: a 429 would make an orchestrator restart a healthy gateway.
  const unlimited = { rateLimit: false } as const;
  app.get('/health/live', { config: unlimited, schema: { tags: ['operations'], response: { 200: Status } } }, async () => ({ status: 'ok' }));

  app.get('/health/ready', { config: unlimited, schema: { tags: ['operations'], response: { 200: Status, 503: Status } } }, async (_request, reply) => {
    const checks: Record<string, string> = {};
    await Promise.all(options.readiness.map(async ({ name, check }) => {
      try {
        await check();
        checks[name] = 'ok';
      } catch {
        checks[name] = 'unavailable';
      }
    }));
    const ready = Object.values(checks).every((status) => status === 'ok');
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });
};
