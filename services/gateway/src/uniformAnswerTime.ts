/**
 * Answers that must not tell whether an email has an account leave at a time
 * that does not depend on it: no sooner than a fixed time after the request
 * arrived (ADR 19). A real user's request writes events and an unknown
 * email's does not, and however alike the two paths are made, that write
 * shows in the time to answer. Past the floor every answer leaves alike, and
 * the work a real request leaves behind (projection, the SMS) is done by then
 * too, so the next request does not feel it either.
 *
 * A route says which of its answers wait: `always` where known and unknown
 * emails both succeed (forget-password, resend, change-password), or
 * `failures` where success needs a secret the caller already proved (a login
 * with the right password, a code that matches), so only refusals wait.
 */
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import fp from 'fastify-plugin';

export type UniformAnswer = 'always' | 'failures';

/** How long before the floor the timer hands over to the high-resolution clock. */
const MARGIN_MS = 2;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Which answers of the route leave no sooner than the uniform answer time. */
    uniformAnswer?: UniformAnswer;
  }
}

export interface UniformAnswerTimeOptions {
  /** The floor, from the request's arrival; 0 turns it off. */
  milliseconds: number;
}

export const uniformAnswerTimePlugin = fp<UniformAnswerTimeOptions>(
  async (app, { milliseconds }) => {
    if (milliseconds <= 0) return;
    app.addHook('onSend', async (request, reply, payload) => {
      const waits = request.routeOptions.config.uniformAnswer;
      if (waits === undefined || (waits === 'failures' && reply.statusCode < 400)) return payload;
      const left = milliseconds - reply.elapsedTime;
      if (left > MARGIN_MS) await sleep(left - MARGIN_MS);
      // A timer fires on the event loop's millisecond clock, read when the turn began, so how long a path
      // kept the loop busy before setting it shifts when it fires by a fraction of a millisecond: a
      // difference a rank test finds over a few hundred requests. The last stretch is measured on the
      // request's own high-resolution clock instead, one loop turn at a time.
      while (reply.elapsedTime < milliseconds) await nextTurn();
      return payload;
    });
  },
  { name: 'tessera-uniform-answer-time' },
);
