/**
 * `npm start`: the whole of Tessera in one process on the embedded default.
 */
import { ConfigError, loadConfig } from './config.ts';
import { startEmbedded } from './embedded.ts';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const running = await startEmbedded(config);
  const { devClient } = running;
  const lines = [
    '',
    `Tessera is running at ${running.url}  (API docs: ${running.url}/docs)`,
    `Data directory: ${config.dataDir}  (SMS codes land in ${config.dataDir}/sms-outbox.jsonl)`,
    `Development API client id:     ${devClient.clientId}`,
    devClient.secret
      ? `Development API client secret: ${devClient.secret}${devClient.created ? '   <- shown once; it is stored hashed' : ''}`
      : 'Development API client secret: shown on the first run only (set DEV_CLIENT_ID and DEV_CLIENT_SECRET to fix one)',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  const shutdown = (signal: string) => {
    process.stdout.write(`\n${signal}: finishing in-flight requests…\n`);
    running.close().then(() => process.exit(0), (error: unknown) => {
      process.stderr.write(`shutdown failed: ${String(error)}\n`);
      process.exit(1);
    });
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Tessera could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
