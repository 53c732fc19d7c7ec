/** What kafkajs's log lines become in a service's log: a fresh broker's transient answers are warnings, not errors. */
import t from 'tap';
import { logLevel } from 'kafkajs';
import { kafkaLogCreator, type KafkaLogLevel } from '../src/kafkaLog.ts';

function logged(
  least: KafkaLogLevel,
  namespace: string,
  level: logLevel,
  message: string,
  extra: Record<string, unknown> = {},
) {
  const lines: { level: KafkaLogLevel; message: string }[] = [];
  const log = kafkaLogCreator(
    (lineLevel, lineMessage) => void lines.push({ level: lineLevel, message: lineMessage }),
    least,
  )(logLevel.INFO);
  log({ namespace, level, label: 'x', log: { message, timestamp: '2026-01-01T00:00:00.000Z', ...extra } });
  return lines;
}

t.test('a broker still starting answers with retriable errors: logged as warnings', async (t) => {
  for (const error of [
    "The coordinator is loading and hence can't process requests for this group",
    'The group coordinator is not available',
    'There is no leader for this topic-partition as we are in the middle of a leadership election',
  ]) {
    t.same(
      logged('warn', 'Connection', logLevel.ERROR, 'Response GroupCoordinator(key: 10, version: 2)', {
        error,
        broker: '127.0.0.1:9092',
      }),
      [{ level: 'warn', message: '[Connection] Response GroupCoordinator(key: 10, version: 2)' }],
      error,
    );
  }
});

t.test('a topic that exists already, as at every start but the first, is only information', async (t) => {
  const message = 'Response CreateTopics(key: 19, version: 3)';
  t.same(
    logged('warn', 'Connection', logLevel.ERROR, message, { error: 'Topic creation errors' }),
    [],
    'not shown at the default level',
  );
  t.same(logged('info', 'Connection', logLevel.ERROR, message, { error: 'Topic creation errors' }), [
    { level: 'info', message: `[Connection] ${message}` },
  ]);
});

t.test(
  'other errors stay errors: one the broker will not get over, and a consumer that crashed after its retries',
  async (t) => {
    t.same(
      logged('warn', 'Connection', logLevel.ERROR, 'Response Metadata(key: 3, version: 6)', {
        error: 'Not authorized to access topics: [Topic authorization failed]',
      }),
      [{ level: 'error', message: '[Connection] Response Metadata(key: 3, version: 6)' }],
    );
    t.same(
      logged(
        'warn',
        'Consumer',
        logLevel.ERROR,
        'Crash: KafkaJSNumberOfRetriesExceeded: The group coordinator is not available',
        { error: 'The group coordinator is not available' },
      ),
      [
        {
          level: 'error',
          message: '[Consumer] Crash: KafkaJSNumberOfRetriesExceeded: The group coordinator is not available',
        },
      ],
    );
  },
);

t.test('the warning about bounded producer retries, which the bus chose, is only information', async (t) => {
  const message = 'Limiting retries for the idempotent producer may invalidate EoS guarantees';
  t.same(logged('warn', 'Producer', logLevel.WARN, message), [], 'not shown at the default level');
  t.same(logged('info', 'Producer', logLevel.WARN, message), [{ level: 'info', message: `[Producer] ${message}` }]);
});

t.test('a heartbeat answered "rebalancing" is routine', async (t) => {
  t.same(
    logged('info', 'Runner', logLevel.ERROR, 'Heartbeat failed', {
      error: 'The group is rebalancing, so a rejoin is needed',
    }),
    [{ level: 'info', message: '[Runner] Heartbeat failed' }],
  );
});
