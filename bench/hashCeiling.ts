/**
 * The argon2id ceiling: how many password hashes per second this machine does
 * on all its cores at the given parameters. Hashes run on libuv's thread pool,
 * so the pool is kept full (twice its size in flight); a login costs one
 * verification, which costs what one hash costs, so this bounds login throughput.
 */
import { availableParallelism } from 'node:os';
import { createPasswordHasher, type PasswordHashingParameters } from '@tessera/crypto';

export interface HashCeiling {
  memoryKib: number;
  iterations: number;
  hashesPerSecond: number;
  /** libuv's pool in the measuring process (UV_THREADPOOL_SIZE, default 4). */
  threadPoolSize: number;
  inFlight: number;
  cores: number;
  seconds: number;
}

export function threadPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const size = Number(env.UV_THREADPOOL_SIZE);
  return Number.isInteger(size) && size > 0 ? size : 4;
}

export async function measureHashCeiling(parameters: PasswordHashingParameters, seconds: number): Promise<HashCeiling> {
  const hasher = await createPasswordHasher(parameters);
  const pool = threadPoolSize();
  const inFlight = pool * 2;
  const worker = async (until: number) => {
    let count = 0;
    while (performance.now() < until) {
      await hasher.hash('correct horse battery staple');
      count += 1;
    }
    return count;
  };
  // Warm-up: one round through every thread of the pool.
  await Promise.all(Array.from({ length: inFlight }, () => hasher.hash('warm-up')));
  const started = performance.now();
  const counts = await Promise.all(Array.from({ length: inFlight }, () => worker(started + seconds * 1000)));
  const elapsed = (performance.now() - started) / 1000;
  const total = counts.reduce((sum, count) => sum + count, 0);
  return {
    memoryKib: parameters.memoryBytes / 1024,
    iterations: parameters.iterations,
    hashesPerSecond: total / elapsed,
    threadPoolSize: pool,
    inFlight,
    cores: availableParallelism(),
    seconds: elapsed,
  };
}
