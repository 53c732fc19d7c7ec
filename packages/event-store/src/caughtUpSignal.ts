/**
 * The `caughtUp` promise of a subscription, with its settle functions. It is
 * marked handled, so callers that never await it get no unhandled rejection
 * when the subscription stops before catching up.
 */
export function createCaughtUpSignal(): {
  promise: Promise<void>;
  resolve: () => void;
  reject: (reason: unknown) => void;
} {
  let resolve!: () => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<void>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
