/**
 * Read-your-writes (ADR 4): after a command, wait (bounded) until a read model
 * shows its effect, so the caller's next query finds it. Returns the last
 * value read, ready or not: past the bound the answer goes out anyway.
 *
 * A gateway in the same process as the projector (the embedded default) is
 * told when each event has been projected, and reads the view once it is; a
 * gateway of its own polls the view every 2 ms.
 */

/** Hears which events the projector of this process has written to the views. */
export interface ProjectionWatch {
  /** The event at `position` has been projected. */
  projected(position: number): void;
  /** Resolves once the event at `position` has been projected (at once if it already has), or after `ms`. */
  until(position: number, ms: number): Promise<void>;
}

/** Remembers the last `remember` positions projected, so a wait that starts late still ends at once. */
export function createProjectionWatch(remember = 4096): ProjectionWatch {
  const recent = new Set<number>();
  const order: number[] = [];
  const waiters = new Map<number, Set<() => void>>();
  return {
    projected(position) {
      if (!recent.has(position)) {
        recent.add(position);
        order.push(position);
        if (order.length > remember) recent.delete(order.shift()!);
      }
      const waiting = waiters.get(position);
      waiters.delete(position);
      for (const wake of waiting ?? []) wake();
    },
    until(position, ms) {
      if (recent.has(position)) return Promise.resolve();
      return new Promise((resolve) => {
        const waiting = waiters.get(position) ?? new Set();
        waiters.set(position, waiting);
        const timer = setTimeout(wake, ms);
        function wake() {
          clearTimeout(timer);
          waiting.delete(wake);
          if (waiting.size === 0 && waiters.get(position) === waiting) waiters.delete(position);
          resolve();
        }
        waiting.add(wake);
      });
    },
  };
}

/** Polling interval without a watch, and the longest wait on a watch between two reads (in case a signal is missed). */
const POLL_MS = 2;
const WATCHED_RECHECK_MS = 25;

export async function waitForView<T>(
  read: () => Promise<T | undefined>,
  ready: (value: T) => boolean,
  timeoutMs: number,
  watched?: { watch: ProjectionWatch | undefined; position: number },
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    const left = deadline - Date.now();
    if ((value !== undefined && ready(value)) || left <= 0) return value;
    if (watched?.watch) await watched.watch.until(watched.position, Math.min(left, WATCHED_RECHECK_MS));
    else await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * After a command that wrote up to `position`: waits (bounded) until the
 * user's view has applied it, so the caller's next query finds it. Past the
 * bound the answer goes out anyway, and the lag is logged.
 */
export async function waitForUserView(
  users: { get(userId: string): Promise<{ version: number } | undefined> },
  userId: string,
  position: number | undefined,
  wait: {
    timeoutMs: number;
    watch?: ProjectionWatch | undefined;
    log: { warn(details: object, message: string): void };
  },
): Promise<void> {
  if (position === undefined) return;
  const view = await waitForView(
    () => users.get(userId),
    (current) => current.version >= position,
    wait.timeoutMs,
    { watch: wait.watch, position },
  );
  if (!view || view.version < position)
    wait.log.warn({ userId, position }, 'read model behind: answering before it caught up');
}
