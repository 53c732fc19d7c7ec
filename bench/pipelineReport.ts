/** The pipeline's figures, and their section of docs/benchmarks.md. */
import type { RoundTripFigures } from './commandRoundTrip.ts';
import type { Quantiles } from './measuring.ts';
import type { KafkaSmsFigures } from './pipelineKafka.ts';
import type { ReplayFigures } from './replay.ts';

export interface PipelineFigures {
  date: string;
  command: string;
  load: { rate: number; seconds: number; users: number; httpErrors: number };
  /** Milliseconds, recordedAt → view written, user-stream events. */
  projectionLag: Quantiles;
  /** Milliseconds, OtpIssued recordedAt → send resolved. */
  smsEmbedded: Quantiles;
  smsKafka?: KafkaSmsFigures;
  /** Milliseconds, the gateway's identity client over Kafka at a fixed rate. */
  commandRoundTrip?: RoundTripFigures;
  replay: ReplayFigures;
  /** MiB. */
  rss: { idle: number; underLoadPeak: number; underLoadMedian: number };
}

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'n/a');
const verdict = (met: boolean) => (met ? 'met' : '**missed**');
const thousands = (value: number) => Math.round(value).toLocaleString('en-US');

export function renderPipelineSection(figures: PipelineFigures): string {
  const { projectionLag: lag, smsEmbedded: sms, smsKafka: kafka, commandRoundTrip: trip, replay, rss, load } = figures;
  const rows = [
    `| Projection lag, embedded (recordedAt → view written) | p50 ${ms(lag.p50)}, p99 ${ms(lag.p99)}, max ${ms(lag.max)} (${thousands(lag.count)} events) | p99 < 10 ms | ${verdict(lag.p99 < 10)} |`,
    `| OtpIssued → SMS handed to provider, embedded | p50 ${ms(sms.p50)}, p99 ${ms(sms.p99)}, max ${ms(sms.max)} (${thousands(sms.count)} SMS) | — | — |`,
    kafka
      ? `| OtpIssued → SMS handed to provider, over Kafka | p50 ${ms(kafka.p50)}, p99 ${ms(kafka.p99)}, max ${ms(kafka.max)} (${thousands(kafka.count)} SMS at ${kafka.rate}/s) | p99 < 100 ms | ${verdict(kafka.p99 < 100)} |`
      : '| OtpIssued → SMS handed to provider, over Kafka | not measured (`--no-kafka`) | p99 < 100 ms | — |',
    trip
      ? `| Command round trip over Kafka (gateway's identity client → identity → reply) | p50 ${ms(trip.p50)}, p99 ${ms(trip.p99)}, max ${ms(trip.max)} (${thousands(trip.requests)} requests at ${trip.rate}/s, ${trip.errors} errors) | p99 < 30 ms at 200/s | ${verdict(trip.p99 < 30 && trip.errors === 0)} |`
      : '| Command round trip over Kafka | not measured (`--no-kafka`) | p99 < 30 ms at 200/s | — |',
    `| Replay: rebuildReadModels into SQLite views | ${thousands(replay.eventsPerSecond)} events/s (${thousands(replay.events)} events in ${replay.rebuildSeconds.toFixed(1)} s) | ≥ 50,000 events/s | ${verdict(replay.eventsPerSecond >= 50_000)} |`,
    `| RSS of the benchmark process (embedded server and its load), idle | ${rss.idle} MiB | — | — |`,
    `| RSS of the benchmark process, under the load | median ${rss.underLoadMedian} MiB, peak ${rss.underLoadPeak} MiB | — | — |`,
  ];
  return [
    '## Event pipeline',
    '',
    `Measured ${figures.date}. Load: ${load.rate} users/s for ${load.seconds} s (${thousands(load.users)} users, ${load.httpErrors} HTTP errors), each`,
    'signing up and logging in through the HTTP API of an embedded server (argon2id at 8 MiB, 1 pass, so',
    "hashing does not dominate), after a 3 s warm-up. Latencies start at the event's `recordedAt`",
    '(millisecond resolution, so they may read up to 1 ms high). Projection lag covers user-stream events;',
    'the embedded SMS sender is the dev outbox. Over Kafka, identity, the relay and the notifier run on a',
    "Kafka bus against a single-node broker of the benchmark's own, with a provider that accepts at once.",
    'The command round trip sends `StartPasswordReset` for unknown emails (stream reads, no hashing) through the',
    "gateway's identity client to the real identity service, on a fixed schedule (open loop) after a 3 s warm-up,",
    'against another broker of its own.',
    `The replay log (${thousands(replay.events)} events, ${thousands(replay.users)} users: reservations, registration with`,
    'encrypted personal fields, accounts, OTPs, SMS records, sessions, KYC and portfolios for a third, and',
    `returning logins) is written as rows in 20,000-row transactions in ${replay.generateSeconds.toFixed(0)} s, then rebuilt.`,
    "RSS is the benchmark process, which also runs the HTTP client (and, under `npm run bench`, still holds the HTTP run's data).",
    '',
    `Command: \`${figures.command}\``,
    '',
    '| figure | value | target | |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
