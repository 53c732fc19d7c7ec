import path from 'node:path';
import { logLevels, type EnvReader } from './env.ts';

/** Settings every distributed service reads. */
export interface CommonSettings {
  kafkaBrokers: string[];
  keysFile: string;
  dataDir: string;
  opsPort: number;
  logLevel: string;
  /** Names this process in Kafka client ids and logs. */
  instanceId: string;
}

export function readCommonSettings(read: EnvReader, service: string, defaultOpsPort: number): CommonSettings {
  const brokers = read.list('KAFKA_BROKERS', []);
  if (brokers.length === 0) read.problem('KAFKA_BROKERS is required: comma-separated host:port of the Kafka brokers');
  return {
    kafkaBrokers: brokers,
    keysFile: path.resolve(
      read.required('KEYS_FILE', 'path of the keyring JSON shared by the services (npm run keys:generate -- <file>)'),
    ),
    dataDir: path.resolve(read.text('DATA_DIR', './data')),
    opsPort: read.integer('OPS_PORT', defaultOpsPort, 0, 65535),
    logLevel: read.oneOf('LOG_LEVEL', 'info', logLevels),
    instanceId: read.text('INSTANCE_ID', `${service}-${process.pid}`),
  };
}
