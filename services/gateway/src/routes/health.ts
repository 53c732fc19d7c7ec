import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ReadHeaders } from '@tessera/contracts';
import { answers } from '../routeAnswers.ts';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

const Status = Type.Object({
  status: Type.String({ description: '`ok` (live), `ready` or `not ready`.' }),
  checks: Type.Optional(
    Type.Record(Type.String(), Type.String(), { description: 'Each dependency: `ok` or `unavailable`.' }),
  ),
});

const livenessSchema = {
  tags: ['operations'],
  operationId: 'checkLiveness',
  summary: 'Whether the process answers',
  description: "For an orchestrator's liveness probe: answers as long as the process runs. Not rate limited.",
  headers: ReadHeaders,
  response: { 200: { ...Status, description: 'Alive.', examples: [{ status: 'ok' }] }, ...answers('probe') },
};

const readinessSchema = {
  tags: ['operations'],
  operationId: 'checkReadiness',
  summary: "Whether the gateway's dependencies answer",
  description:
    "For an orchestrator's readiness probe: ready only when every dependency (read models, and identity's bus in the distributed mode) answers. Not rate limited.",
  headers: ReadHeaders,
  response: {
    200: {
      ...Status,
      description: 'Ready to serve.',
      examples: [{ status: 'ready', checks: { readModels: 'ok' } }],
    },
    503: {
      ...Status,
      description: 'A dependency does not answer.',
      examples: [{ status: 'not ready', checks: { readModels: 'unavailable' } }],
    },
    ...answers('probe'),
  },
};

export const healthRoutes: FastifyPluginAsyncTypebox<{ readiness: ReadinessCheck[] }> = async (app, options) => {
  // Probes come often from a few addresses: a 429 would make an orchestrator restart a healthy gateway.
  const unlimited = { rateLimit: false } as const;
  app.get(
    '/health/live',
    {
      config: unlimited,
      schema: livenessSchema,
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/health/ready',
    {
      config: unlimited,
      schema: readinessSchema,
    },
    async (_request, reply) => {
      const checks: Record<string, string> = {};
      await Promise.all(
        options.readiness.map(async ({ name, check }) => {
          try {
            await check();
            checks[name] = 'ok';
          } catch {
            checks[name] = 'unavailable';
          }
        }),
      );
      const ready = Object.values(checks).every((status) => status === 'ok');
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
    },
  );
};
