/**
 * The event pipeline behind the API, measured at its boundaries:
 * 1. projection lag in the embedded default: an event's `recordedAt` → its
 *    view writes done (the embedded observer's `projected`), under a steady
 *    load of sign-ups and logins through the real HTTP API;
 * 2. `OtpIssued` → SMS handed to the provider (`recordedAt` → the sender's
 *    `send` resolved), embedded (same run, dev outbox) and over Kafka
 *    (identity, relay and notifier on a Kafka bus against a broker of the
 *    benchmark's own, with a sender that accepts at once);
 * 2b. the command round trip over Kafka at 200 requests/s (commandRoundTrip.ts);
 * 3. replay throughput: a generated log rebuilt into SQLite views;
 * 4. RSS of the embedded process at idle and under the load.
 * `recordedAt` has millisecond resolution, so latencies may read up to 1 ms high.
 *
 * Usage: node --import tsx bench/pipeline.ts [--rate 20] [--seconds 30] [--events 1000000] [--no-kafka]
 * Standalone, it rewrites the section between the bench:pipeline markers of docs/benchmarks.md.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import type { RoundTripFigures } from './commandRoundTrip.ts';
import { measureEmbedded } from './pipelineEmbedded.ts';
import { measureSmsOverKafka } from './pipelineKafka.ts';
import { renderPipelineSection, type PipelineFigures } from './pipelineReport.ts';
import { measureReplay } from './replay.ts';
import { writeSections } from './report.ts';

const execFileAsync = promisify(execFile);

export interface PipelineOptions {
  /** Users per second, each signing up then logging in (one OtpIssued each); default 20. */
  rate?: number;
  /** Measured seconds of load, after a 3 s warm-up; default 30. */
  seconds?: number;
  /** Events in the generated log the replay rebuilds; default 1,000,000. */
  replayEvents?: number;
  /** Measure the SMS hand-off over Kafka too (starts a broker of its own); default true. */
  kafka?: boolean;
  /** Progress lines; default none. */
  log?: (line: string) => void;
}

/** The rate the round-trip target is set at. */
const ROUND_TRIP_RATE = 200;

/**
 * The round trip in a process of its own: its p99 is a few milliseconds, and
 * in this process the garbage the other measurements (and, under
 * `npm run bench`, the HTTP run) left behind would be collected in the middle of it.
 */
async function roundTripInChild(rate: number, seconds: number): Promise<RoundTripFigures> {
  const script = fileURLToPath(new URL('./commandRoundTrip.ts', import.meta.url));
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', script, String(rate), String(seconds)], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as RoundTripFigures;
}

export async function measurePipeline(options: PipelineOptions = {}): Promise<PipelineFigures> {
  const rate = options.rate ?? 20;
  const seconds = options.seconds ?? 30;
  const replayEvents = options.replayEvents ?? 1_000_000;
  const kafka = options.kafka ?? true;
  const log = options.log ?? (() => undefined);
  const embedded = await measureEmbedded(rate, seconds, log);
  const smsKafka = kafka ? await measureSmsOverKafka(rate, seconds, log) : undefined;
  if (kafka) log(`command round trip over Kafka at ${ROUND_TRIP_RATE}/s for ${seconds} s…`);
  const commandRoundTrip = kafka ? await roundTripInChild(ROUND_TRIP_RATE, seconds) : undefined;
  const replay = await measureReplay(replayEvents, log);
  const flags = [
    ...(options.rate !== undefined ? [`--rate ${rate}`] : []),
    ...(options.seconds !== undefined ? [`--seconds ${seconds}`] : []),
    ...(options.replayEvents !== undefined ? [`--events ${replayEvents}`] : []),
    ...(kafka ? [] : ['--no-kafka']),
  ];
  return {
    date: new Date().toISOString().slice(0, 10),
    command: `npm run bench:pipeline${flags.length > 0 ? ` -- ${flags.join(' ')}` : ''}`,
    load: embedded.load,
    projectionLag: embedded.projectionLag,
    smsEmbedded: embedded.smsEmbedded,
    ...(smsKafka ? { smsKafka } : {}),
    ...(commandRoundTrip ? { commandRoundTrip } : {}),
    replay,
    rss: embedded.rss,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string' },
      seconds: { type: 'string' },
      events: { type: 'string' },
      'no-kafka': { type: 'boolean' },
    },
  });
  const figures = await measurePipeline({
    ...(values.rate ? { rate: Number(values.rate) } : {}),
    ...(values.seconds ? { seconds: Number(values.seconds) } : {}),
    ...(values.events ? { replayEvents: Number(values.events) } : {}),
    kafka: !values['no-kafka'],
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  const docs = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'benchmarks.md');
  writeSections(docs, { pipeline: renderPipelineSection(figures) });
}
