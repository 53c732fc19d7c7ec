/**
 * One HTTP measurement with autocannon: a warm-up run, then the measured run
 * at a fixed concurrency, reduced to the figures the report shows.
 */
import autocannon from 'autocannon';

export interface LoadFigures {
  name: string;
  connections: number;
  /** Seconds the measured run lasted (a run bounded by `amount` ends when its requests are answered). */
  durationSeconds: number;
  /** Answered requests (any status). */
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers other than 2xx, by status. */
  non2xx: number;
  statuses: Record<string, number>;
  /** Socket errors and timeouts. */
  socketErrors: number;
  note?: string;
}

export interface LoadSpec {
  name: string;
  url: string;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Bound the measured run by a number of requests instead of its duration (each request consumes prepared state). */
  amount?: number;
  warmupAmount?: number;
  request: autocannon.Request;
  note?: string;
}

/** The result, and when the last answer arrived (ms, performance.now()). */
function run(options: autocannon.Options): Promise<{ result: autocannon.Result; lastAnswerAt: number }> {
  return new Promise((resolve, reject) => {
    let lastAnswerAt = performance.now();
    const instance = autocannon(options, (error, result) =>
      error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve({ result, lastAnswerAt }),
    );
    instance.on('response', () => {
      lastAnswerAt = performance.now();
    });
  });
}

export async function measure(spec: LoadSpec): Promise<LoadFigures> {
  const base = { url: spec.url, connections: spec.connections, pipelining: 1, timeout: 30, requests: [spec.request] };
  if (spec.warmupSeconds > 0 || spec.warmupAmount) {
    await run({ ...base, ...(spec.warmupAmount ? { amount: spec.warmupAmount } : { duration: spec.warmupSeconds }) });
  }
  const started = performance.now();
  const { result, lastAnswerAt } = await run({
    ...base,
    ...(spec.amount ? { amount: spec.amount } : { duration: spec.durationSeconds }),
  });
  // autocannon ends a run bounded by `amount` on its next one-second tick, so it is timed to its last answer instead.
  const elapsedSeconds = spec.amount ? (lastAnswerAt - started) / 1000 : result.duration;
  const statuses: Record<string, number> = {};
  for (const [status, { count }] of Object.entries(result.statusCodeStats ?? {})) statuses[status] = count ?? 0;
  const answered = Object.values(statuses).reduce((sum, count) => sum + count, 0);
  const figures: LoadFigures = {
    name: spec.name,
    connections: spec.connections,
    durationSeconds: Math.round(elapsedSeconds * 100) / 100,
    requests: answered,
    requestsPerSecond: answered / elapsedSeconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    statuses,
    socketErrors: result.errors,
    ...(spec.note ? { note: spec.note } : {}),
  };
  process.stdout.write(`${describe(figures)}\n`);
  return figures;
}

export function describe(figures: LoadFigures): string {
  const other = Object.entries(figures.statuses)
    .filter(([status]) => !status.startsWith('2'))
    .map(([status, count]) => `${status}×${count}`)
    .join(' ');
  return (
    `${figures.name.padEnd(14)} ${figures.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${figures.p50Ms} ms  p99 ${figures.p99Ms} ms  ` +
    `non-2xx ${figures.non2xx}${other ? ` (${other})` : ''}  socket errors ${figures.socketErrors}  c=${figures.connections}  ${figures.durationSeconds} s`
  );
}
