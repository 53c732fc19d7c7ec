import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

const Status = Type.Object({ status: Type.String(), checks: Type.Optional(Type.Record(Type.String(), Type.String())) });

export const healthRoutes: FastifyPluginAsyncTypebox<{ readiness: ReadinessCheck[] }> = async (app, options) => {
  app.get('/health/live', { schema: { tags: ['operations'], response: { 200: Status } } }, async () => ({ status: 'ok' }));

  app.get('/health/ready', { schema: { tags: ['operations'], response: { 200: Status, 503: Status } } }, async (_request, reply) => {
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
