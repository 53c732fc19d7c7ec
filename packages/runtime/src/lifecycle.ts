/**
 * Starting against dependencies that may be down, and stopping cleanly: a
 * service keeps retrying (and says so in its logs) rather than exiting, and on
 * SIGTERM finishes in-flight work before it exits.
 */
import type { Logger } from '@tessera/logging';

export async function retryUntilReady<T>(
  what: string,
  attempt: () => Promise<T>,
  logger: Logger,
  options: { initialDelayMs?: number; maxDelayMs?: number } = {},
): Promise<T> {
  let delay = options.initialDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 10_000;
  for (let tries = 1; ; tries += 1) {
    try {
      const value = await attempt();
      if (tries > 1) logger.info({ dependency: what, tries }, `${what} is available`);
      return value;
    } catch (error) {
      logger.warn(
        { dependency: what, tries, retryInMs: delay, reason: error instanceof Error ? error.message : String(error) },
        `${what} unavailable, retrying`,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(maxDelay, delay * 2);
    }
  }
}

/** Runs `close` once on SIGINT or SIGTERM, then exits; a second signal or a stuck close exits at once. */
export function closeOnSignals(logger: Logger, close: () => Promise<void>, options: { timeoutMs?: number } = {}): void {
  let closing = false;
  const handler = (signal: string) => {
    if (closing) process.exit(1);
    closing = true;
    logger.info({ signal }, 'shutting down: draining in-flight work');
    const timer = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, options.timeoutMs ?? 15_000);
    timer.unref();
    close().then(
      () => {
        logger.info('stopped');
        logger.flush();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
