import type { FastifyInstance } from 'fastify';

/** Every answer of the plugin's routes is marked `no-store`: they hold tokens, codes' sessions or personal data. */
export function answersAreNotStored(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('cache-control', 'no-store');
    return payload;
  });
}
