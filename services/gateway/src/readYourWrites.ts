/**
 * Read-your-writes (ADR 4): after a command, wait (bounded) until a read model
 * shows its effect, so the caller's next query finds it. Returns the last
 * value read, ready or not: past the bound the answer goes out anyway.
 */
export async function waitForView<T>(read: () => Promise<T | undefined>, ready: (value: T) => boolean, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if ((value !== undefined && ready(value)) || Date.now() >= deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
