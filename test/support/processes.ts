/**
 * Starting Tessera's services as separate processes for end-to-end tests, and
 * a Kafka broker of the test's own (so stopping it disturbs no other suite).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { eventually, freePort } from '@tessera/testing';

// Here too for the suites and benchmarks that take their process helpers from this file.
export { eventually, freePort };

export const repositoryRoot = path.resolve(import.meta.dirname, '..', '..');

export interface ServiceProcess {
  name: string;
  output: string[];
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
}

export function startService(
  name: string,
  env: Record<string, string>,
  script = `services/${name}/src/main.ts`,
  args: string[] = [],
): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: repositoryRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { name, output, child, exited };
}

export async function stopService(service: ServiceProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return;
  service.child.kill(signal);
  await service.exited;
}

export async function isReady(url: string): Promise<true | undefined> {
  const response = await fetch(url).catch(() => undefined);
  return response?.ok ? true : undefined;
}

/**
 * Waits until `service` answers ready at `url`. A process that exits fails the
 * wait at once, with its last lines; a timeout says what readiness last answered.
 */
export async function untilReady(service: ServiceProcess, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    const { exitCode, signalCode } = service.child;
    if (exitCode !== null || signalCode !== null) {
      const tail = service.output.join('').split('\n').slice(-15).join('\n');
      throw new Error(
        `${service.name} exited (${signalCode ?? `code ${exitCode}`}) before it was ready; its last lines:\n${tail}`,
      );
    }
    try {
      const response = await fetch(url);
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${service.name} was not ready after ${timeoutMs} ms; its readiness last answered: ${last}`);
}

/** A broker of the test's own, in its own data folder, via deploy/local/kafka.sh. */
export function ownKafka(instance: string, port: number, controllerPort: number) {
  const env = {
    ...process.env,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(controllerPort),
    KAFKA_INSTANCE: instance,
  };
  const script = path.join(repositoryRoot, 'deploy', 'local', 'kafka.sh');
  const run = (command: string) => {
    const result = spawnSync('bash', [script, command], { env, encoding: 'utf8', timeout: 180_000 });
    if (result.status !== 0) throw new Error(`kafka.sh ${command} failed: ${result.stderr}`);
    return result.stdout;
  };
  return {
    brokers: `127.0.0.1:${port}`,
    start: () => run('start'),
    stop: () => run('stop'),
    remove: () => run('remove'),
  };
}
