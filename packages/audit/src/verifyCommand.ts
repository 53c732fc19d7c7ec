/**
 * `npm run audit -- verify`: recomputes the chain of the log and checks every
 * checkpoint's signature, then names the first break or what is verified.
 */
import { parseArgs } from 'node:util';
import { parsePublicKeys, publicKeyOfFile } from './auditKeys.ts';
import { openStoreLog, readAuditSettings, type AuditSettings } from './auditSettings.ts';
import { openExportFile } from './sources/exportFileLog.ts';
import { openKafkaLog } from './sources/kafkaLog.ts';
import type { LogSource } from './sources/logSource.ts';
import { exitStatus, UsageError, writeOut, type Subcommand } from './subcommand.ts';
import { verifyLog } from './verifyLog.ts';
import { jsonReport, textReport, type Trust } from './verifyReport.ts';

const usage = `verify [--from POS] [--file EXPORT | --from-kafka] [--public-key FILE|JSON ...]
                [--expect-checkpoint POS:LOGHASH] [--format text|json]
      recompute the chain of the log and check every checkpoint's signature; name the first break,
      or what is verified and the unsigned tail after the last checkpoint. Reads the event store
      (EVENTSTORE_URL, else DATA_DIR/events.sqlite), or an export (--file), or the Kafka topic
      identity.events.v1 (--from-kafka, KAFKA_BROKERS).
      --public-key   the audit public key you were given, as a file or JSON text; repeat it for
                     earlier keys. Without it the key of the audit key file is trusted
                     (AUDIT_KEY_FILE, else DATA_DIR/audit-key.json), which proves less.
      --from POS     check only what follows the last signed checkpoint at or before POS: the chain
                     runs on from that checkpoint's log hash, which its signature vouches for. With no
                     checkpoint at or before POS the whole log is checked.
      --expect-checkpoint POS:LOGHASH  a checkpoint kept from an earlier run: the log must still
                     hold it, so a tail cut back to an earlier checkpoint is found.
      --format json  one JSON object for scripts, instead of lines for people.
      exit status: 0 verified, 1 a break found (or the log could not be read), 2 bad usage`;

interface VerifyArguments {
  from?: number;
  file?: string;
  fromKafka: boolean;
  publicKeys: string[];
  expectCheckpoint?: { position: number; logHash: string };
  format: 'text' | 'json';
}

function parse(args: string[]): VerifyArguments {
  const { values } = parseArgs({
    args,
    options: {
      from: { type: 'string' },
      file: { type: 'string' },
      'from-kafka': { type: 'boolean', default: false },
      'public-key': { type: 'string', multiple: true, default: [] },
      'expect-checkpoint': { type: 'string' },
      format: { type: 'string', default: 'text' },
    },
  });
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError('--format is text or json');
  if (values.file !== undefined && values['from-kafka']) throw new UsageError('--file and --from-kafka: read one log');
  const parsed: VerifyArguments = {
    fromKafka: values['from-kafka'],
    publicKeys: values['public-key'],
    format: values.format,
  };
  if (values.file !== undefined) parsed.file = values.file;
  if (values.from !== undefined) {
    if (!/^\d+$/.test(values.from)) throw new UsageError('--from is a position: a whole number');
    parsed.from = Number(values.from);
  }
  const expect = values['expect-checkpoint'];
  if (expect !== undefined) {
    const match = /^(\d+):([0-9a-f]{64})$/.exec(expect);
    if (!match) throw new UsageError('--expect-checkpoint is POS:LOGHASH, the log hash in 64 lowercase hex digits');
    parsed.expectCheckpoint = { position: Number(match[1]), logHash: match[2]! };
  }
  return parsed;
}

function trustOf(parsed: VerifyArguments, settings: AuditSettings): Trust {
  if (parsed.publicKeys.length > 0) return { keys: parsePublicKeys(parsed.publicKeys), from: 'argument' };
  return { keys: [publicKeyOfFile(settings.auditKeyFile)], from: 'audit key file', file: settings.auditKeyFile };
}

async function openSource(parsed: VerifyArguments, settings: AuditSettings): Promise<LogSource> {
  if (parsed.file !== undefined) return openExportFile(parsed.file);
  if (parsed.fromKafka) {
    if (settings.kafkaBrokers.length === 0) throw new UsageError('--from-kafka needs KAFKA_BROKERS (host:port,…)');
    return openKafkaLog(settings.kafkaBrokers);
  }
  return openStoreLog(settings);
}

export const verifyCommand: Subcommand = {
  usage,
  async run(args) {
    const parsed = parse(args);
    const settings = readAuditSettings(process.env);
    const trust = trustOf(parsed, settings);
    const source = await openSource(parsed, settings);
    try {
      const outcome = await verifyLog(source, {
        trustedKeys: trust.keys,
        ...(parsed.from !== undefined ? { from: parsed.from } : {}),
        ...(parsed.expectCheckpoint ? { expectCheckpoint: parsed.expectCheckpoint } : {}),
      });
      const context = {
        source: source.description,
        trust,
        ...(parsed.from !== undefined ? { from: parsed.from } : {}),
      };
      await writeOut(parsed.format === 'json' ? jsonReport(outcome, context) : textReport(outcome, context));
      return outcome.report.break ? exitStatus.failed : exitStatus.done;
    } finally {
      await source.close();
    }
  },
};
