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

/**
 * kafkajs also logs, as an error, each error answer a broker gives to a
 * request, though it retries these itself. On a fresh broker (its group
 * coordinator still loading, partition leaders still being elected, a topic
 * that two services create at once) every service start leaves a few while
 * nothing is wrong: they are warnings. Trouble that lasts still shows as an
 * error once the retries run out (a consumer crash, a failed publish).
 */
const TRANSIENT_ERRORS = new Set([
  "The coordinator is loading and hence can't process requests for this group", // GROUP_LOAD_IN_PROGRESS
  'The group coordinator is not available', // GROUP_COORDINATOR_NOT_AVAILABLE
  'This is not the correct coordinator for this group', // NOT_COORDINATOR_FOR_GROUP
  'There is no leader for this topic-partition as we are in the middle of a leadership election', // LEADER_NOT_AVAILABLE
  'This server is not the leader for that topic-partition', // NOT_LEADER_FOR_PARTITION
  'This server does not host this topic-partition', // UNKNOWN_TOPIC_OR_PARTITION: a new topic not known everywhere yet
]);

/**
 * The bus asks for each topic it uses to be created, and the broker answers
 * "already exists" at every start but the first; kafkajs logs that answer as
 * an error before it returns that nothing was created. A creation that really
 * failed makes the bus's publish or subscribe fail, which is reported there.
 */
const EXPECTED_ERRORS = new Set(['Topic creation errors']);

/**
 * kafkajs warns at each start that the idempotent producer's retries are
 * bounded. The bus bounds them on purpose (a publish fails within seconds and
 * its caller, such as the relay, publishes again; consumers dedupe), so the
 * warning says nothing an operator should act on.
 */
const EXPECTED_WARNINGS = new Set(['Limiting retries for the idempotent producer may invalidate EoS guarantees']);

/** The level a kafkajs line is passed on at. */
function effectiveLevel(namespace: string, level: logLevel, message: string, error: unknown): logLevel {
  if (typeof error === 'string' && ROUTINE_ERRORS.has(error)) return logLevel.INFO;
  if (level === logLevel.ERROR && namespace === 'Connection' && typeof error === 'string') {
    if (TRANSIENT_ERRORS.has(error)) return logLevel.WARN;
    if (EXPECTED_ERRORS.has(error)) return logLevel.INFO;
  }
  if (level === logLevel.WARN && EXPECTED_WARNINGS.has(message)) return logLevel.INFO;
  return level;
}

/** Adapts a {@link KafkaBusLogger} to kafkajs's log creator, passing on lines at `least` or more severe. */
export function kafkaLogCreator(logger: KafkaBusLogger, least: KafkaLogLevel): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      // kafkajs stamps its own time; the receiving logger has one.
      const { message, timestamp: _timestamp, ...extra } = log;
      const effective = effectiveLevel(namespace, level, message, extra.error);
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
