import { logLevel } from 'kafkajs';
import type { logCreator } from 'kafkajs';

/** Severity of a Kafka client log line. */
export type KafkaLogLevel = 'error' | 'warn' | 'info' | 'debug';

/** Receives the Kafka client's log lines, e.g. to forward them to the service logger. */
export type KafkaBusLogger = (level: KafkaLogLevel, message: string, extra: Record<string, unknown>) => void;

const LEVELS: Record<KafkaLogLevel, logLevel> = {
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

/** The kafkajs level for `level`: demoting only ever lowers a line's severity, so nothing wanted is filtered early. */
export function kafkaLogLevel(level: KafkaLogLevel): logLevel {
  return LEVELS[level];
}

/**
 * kafkajs logs every heartbeat answered with "rebalancing" as an error, though
 * that is how a member learns to rejoin when another one joins or leaves.
 */
const ROUTINE_ERRORS = new Set(['The group is rebalancing, so a rejoin is needed']);

/** Adapts a {@link KafkaBusLogger} to kafkajs's log creator, passing on lines at `least` or more severe. */
export function kafkaLogCreator(logger: KafkaBusLogger, least: KafkaLogLevel): logCreator {
  return () => ({ namespace, level, log }) => {
    // kafkajs stamps its own time; the receiving logger has one.
    const { message, timestamp: _timestamp, ...extra } = log;
    const routine = typeof extra.error === 'string' && ROUTINE_ERRORS.has(extra.error);
    const effective = routine ? logLevel.INFO : level;
    if (effective > LEVELS[least]) return;
    logger(levelName(effective), namespace ? `[${namespace}] ${message}` : message, extra);
  };
}

function levelName(level: logLevel): KafkaLogLevel {
  if (level <= logLevel.ERROR) return 'error';
  if (level === logLevel.WARN) return 'warn';
  return level === logLevel.INFO ? 'info' : 'debug';
}

/** Default sink: warnings and errors to stderr, as nothing else is configured. */
export const consoleKafkaLogger: KafkaBusLogger = (level, message, extra) => {
  if (level === 'error' || level === 'warn') console.error(`kafka ${level}: ${message}`, extra);
};
