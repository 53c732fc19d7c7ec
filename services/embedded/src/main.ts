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
  let running;
  try {
    running = await startEmbedded(config);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    process.stderr.write(
      [
        `Tessera could not start: port ${config.port} on ${config.host} is already in use (another Tessera, or another server).`,
        `Start it on another port, e.g.  PORT=${config.port === 65535 ? 3001 : config.port + 1} npm start   (PORT=0 picks a free one)`,
        '',
      ].join('\n'),
    );
    process.exit(1);
  }
  const { devClient } = running;
  const lines = [
    '',
    `Tessera is running at ${running.url}  (API docs: ${running.url}/docs)`,
    `Data directory: ${config.dataDir}  (SMS codes land in ${config.dataDir}/sms-outbox.jsonl)`,
    `Development API client id:     ${devClient.clientId}`,
    devClient.secret
      ? `Development API client secret: ${devClient.secret}${devClient.created ? '   <- shown once; it is stored hashed' : ''}`
      : [
          'Development API client secret: shown on the first run only. For a new one, either',
          `  - give this client a secret of your own:  DEV_CLIENT_ID=${devClient.clientId} DEV_CLIENT_SECRET=<16 to 256 characters> npm start`,
          '  - or register another client (prints its secret once):  npm run client:register -- --name "My app"',
        ].join('\n'),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  const shutdown = (signal: string) => {
    process.stdout.write(`\n${signal}: finishing in-flight requests…\n`);
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Tessera could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
