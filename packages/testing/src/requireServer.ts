/**
 * For suites that need a real server (Kafka, MongoDB, EventStoreDB): the
 * server's address from the environment. Without it the suite is skipped with
 * the reason, except in CI (`CI=true`), where a missing server is a failure,
 * so a green CI run always means the suite ran.
 */
import type { Test } from 'tap';

export function requireServer(
  t: Test,
  variable: string,
  what: string,
  options: { requiredInCi?: boolean } = {},
): string | undefined {
  const value = process.env[variable]?.trim();
  if (value) return value;
  const requiredInCi = options.requiredInCi ?? true;
  if (requiredInCi && process.env.CI === 'true') {
    t.fail(`${variable} is not set: ${what} must run in CI (.ci/run starts the server)`);
  } else {
    void t.test(what, { skip: `set ${variable} to run it against a real server` }, async () => {});
  }
  return undefined;
}
