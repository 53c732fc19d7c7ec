/** Requests waiting for their reply, each settled once: by the reply, a failure or its timeout. */
export interface Replies {
  /** Registers `id` and resolves with its reply's JSON text. */
  await(id: string, timeoutMs: number, timeoutError: () => Error): Promise<string | undefined>;
  /** Settles `id` with a reply; ignored when `id` already settled (a late or second server). */
  resolve(id: string, json: string | undefined): void;
  /** Fails `id`; ignored when `id` already settled. */
  reject(id: string, error: unknown): void;
  /** Fails every waiting request, e.g. when the bus closes. */
  rejectAll(error: Error): void;
}

interface Waiter {
  resolve: (json: string | undefined) => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
}

/** Tracks requests awaiting a reply, keyed by request id. */
export function createReplies(): Replies {
  const waiting = new Map<string, Waiter>();

  const take = (id: string): Waiter | undefined => {
    const waiter = waiting.get(id);
    if (waiter === undefined) return undefined;
    waiting.delete(id);
    clearTimeout(waiter.timer);
    return waiter;
  };

  return {
    await: (id, timeoutMs, timeoutError) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => take(id)?.reject(timeoutError()), timeoutMs);
        waiting.set(id, { resolve, reject, timer });
      }),
    resolve: (id, json) => take(id)?.resolve(json),
    reject: (id, error) => take(id)?.reject(error),
    rejectAll: (error) => {
      for (const id of [...waiting.keys()]) take(id)?.reject(error);
    },
  };
}
