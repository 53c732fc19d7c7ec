/**
 * The notifier composed from its adapters and settings, the same in its own
 * process (main.ts) and in the embedded default: identity events in, SMS
 * out, outcomes recorded through identity, failures to the dead-letter topic,
 * delivery reports matched to their dispatch.
 */
import { topics, type EventMessageValue } from '@tessera/contracts';
import type { BoxKeyPair } from '@tessera/crypto';
import type { Logger } from '@tessera/logging';
import type { Consumer, MessageBus } from '@tessera/messaging';
import type { PersonalDataReader } from '@tessera/personal-data';
import type { ViewStore } from '@tessera/read-models';
import type { Metrics } from '@tessera/runtime';
import type { SmsSender } from '@tessera/sms';
import { createDeliveryReportHandler } from './application/deliveryReports.ts';
import { createDispatchLedger } from './application/dispatchLedger.ts';
import { recordOutcomesThrough } from './application/identityOutcomes.ts';
import { createOutcomeRecorder } from './application/outcomeRecorder.ts';
import { createSmsNotifier } from './application/smsNotifier.ts';
import { recoverUnrecordedOutcomes } from './application/smsOutcomes.ts';

export type { DeliveryReport } from './application/deliveryReports.ts';

export interface NotifierAdapters {
  bus: MessageBus;
  /** Where the dispatch ledger lives. */
  ledgerStore: ViewStore;
  sms: SmsSender;
  personalData: PersonalDataReader;
  /** When given, dispatches and the consumer's position and lag are recorded. */
  metrics?: Metrics;
}

export interface NotifierSettings {
  /** Opens the codes identity sealed to the notifier. */
  keyPair: BoxKeyPair;
  /** Brand name in SMS texts. */
  brand: string;
  clock: () => Date;
  /** Where a group with no committed position starts; `beginning` (the default) for a new deployment. */
  from?: 'end' | 'beginning';
}

export async function composeNotifier(
  adapters: NotifierAdapters,
  settings: NotifierSettings,
  logger: Logger,
): Promise<Consumer[]> {
  const { bus, metrics, personalData } = adapters;
  const from = settings.from ?? 'beginning';
  const ledger = createDispatchLedger(adapters.ledgerStore);
  const recordOutcome = recordOutcomesThrough(bus);
  // Outcomes are recorded beside the stream of events, so a code never waits for the previous one's record.
  const recorder = createOutcomeRecorder({ logger });
  const recovered = await recoverUnrecordedOutcomes({ ledger, recordOutcome, recorder });
  if (recovered > 0) logger.info({ outcomes: recovered }, 'recording sms outcomes left unrecorded by the last run');
  const notify = createSmsNotifier({
    sms: adapters.sms,
    keyPair: settings.keyPair,
    personalData,
    logger,
    clock: settings.clock,
    messages: { brand: settings.brand },
    ledger,
    recordOutcome,
    recorder,
    deadLetter: (entry) =>
      bus.publish(topics.smsDeadLetter, [
        { key: entry.sourceEventId, value: entry, headers: { 'event-id': entry.sourceEventId } },
      ]),
    ...(metrics ? { onDispatch: (result) => metrics.smsDispatches.inc({ outcome: result }) } : {}),
  });
  const events = await bus.subscribe(
    topics.identityEvents,
    'notifier',
    async (message) => {
      const event = message.value as EventMessageValue;
      // A cached key must not outlive the erasure by more than it takes the event to arrive.
      if (event.type === 'PersonalDataErased') personalData.forget(String(event.data.userId));
      await notify(message);
      if (metrics) {
        metrics.consumedPosition.set({ group: 'notifier' }, event.position);
        metrics.consumerLag.set({ group: 'notifier' }, Math.max(0, (Date.now() - Date.parse(event.recordedAt)) / 1000));
      }
    },
    { from },
  );
  // A group of its own: kafkajs assigns partitions as if every member of a group read the same topics.
  const reports = await bus.subscribe(
    topics.smsDeliveryReports,
    'notifier-delivery-reports',
    createDeliveryReportHandler({ ledger, recordOutcome, logger }),
    { from },
  );
  const stopEvents: Consumer = {
    async stop() {
      await events.stop();
      await recorder.stop();
    },
  };
  return [stopEvents, reports];
}
