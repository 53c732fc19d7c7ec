/**
 * Wires the notifier to the bus, the same way in the embedded default and in
 * its own process: identity events in, SMS out, outcomes recorded through
 * identity, failures to the dead-letter topic, delivery reports matched to
 * their dispatch.
 */
import { randomUUID } from 'node:crypto';
import { topics, type CommandResult, type EventMessageValue, type IdentityCommand } from '@tessera/contracts';
import type { BoxKeyPair } from '@tessera/crypto';
import type { Logger } from '@tessera/logging';
import type { Consumer, MessageBus } from '@tessera/messaging';
import type { ViewStore } from '@tessera/read-models';
import type { SmsSender } from '@tessera/sms';
import { createDispatchLedger } from './application/dispatchLedger.ts';
import type { PersonalDataReader } from '@tessera/personal-data';
import { createOutcomeRecorder } from './application/outcomeRecorder.ts';
import { createSmsNotifier, recoverUnrecordedOutcomes, type SmsOutcome } from './application/smsNotifier.ts';

export interface DeliveryReport {
  providerMessageId: string;
  status: string;
  errorCode?: string;
}

export interface NotifierWiring {
  bus: MessageBus;
  ledgerStore: ViewStore;
  sms: SmsSender;
  keyPair: BoxKeyPair;
  personalData: PersonalDataReader;
  logger: Logger;
  clock: () => Date;
  brand: string;
  /** Where a group with no committed position starts; `beginning` for a new deployment. */
  from?: 'end' | 'beginning';
  onEvent?: (event: EventMessageValue) => void;
  onDispatch?: (outcome: 'sent' | 'duplicate' | 'expired' | 'failed') => void;
}

export async function startNotifier(wiring: NotifierWiring): Promise<Consumer[]> {
  const { bus, logger } = wiring;
  const ledger = createDispatchLedger(wiring.ledgerStore);
  const recordOutcome = async (userId: string, outcome: SmsOutcome) => {
    const command: IdentityCommand = {
      type: 'RecordSmsOutcome',
      metadata: { correlationId: randomUUID(), clientId: 'notifier' },
      payload: { userId, outcome },
    };
    const result = (await bus.request(
      topics.identityCommands,
      { key: userId, value: command, headers: {} },
      { timeoutMs: 10_000 },
    )) as CommandResult;
    // Thrown, the message is delivered again and the ledger resumes at this step.
    if (!result.ok) throw new Error(`identity did not record the SMS outcome: ${result.error}`);
  };
  // Outcomes are recorded beside the stream of events, so a code never waits for the previous one's record.
  const recorder = createOutcomeRecorder({ logger });
  const recovered = await recoverUnrecordedOutcomes({ ledger, recordOutcome, recorder });
  if (recovered > 0) logger.info({ outcomes: recovered }, 'recording sms outcomes left unrecorded by the last run');
  const notify = createSmsNotifier({
    sms: wiring.sms,
    keyPair: wiring.keyPair,
    personalData: wiring.personalData,
    logger,
    clock: wiring.clock,
    messages: { brand: wiring.brand },
    ledger,
    recordOutcome,
    recorder,
    deadLetter: (entry) =>
      bus.publish(topics.smsDeadLetter, [
        { key: entry.sourceEventId, value: entry, headers: { 'event-id': entry.sourceEventId } },
      ]),
    ...(wiring.onDispatch ? { onDispatch: wiring.onDispatch } : {}),
  });
  const events = await bus.subscribe(
    topics.identityEvents,
    'notifier',
    async (message) => {
      const event = message.value as EventMessageValue;
      // A cached key must not outlive the erasure by more than it takes the event to arrive.
      if (event.type === 'PersonalDataErased') wiring.personalData.forget(String(event.data.userId));
      await notify(message);
      wiring.onEvent?.(message.value as EventMessageValue);
    },
    { from: wiring.from ?? 'beginning' },
  );
  // A group of its own: kafkajs assigns partitions as if every member of a group read the same topics.
  const reports = await bus.subscribe(
    topics.smsDeliveryReports,
    'notifier-delivery-reports',
    async (message) => {
      const report = message.value as DeliveryReport;
      const dispatch = await ledger.findByProviderMessageId(report.providerMessageId);
      if (!dispatch) {
        logger.warn({ providerMessageId: report.providerMessageId }, 'delivery report for an unknown message: ignored');
        return;
      }
      await recordOutcome(dispatch.userId, {
        type: 'SmsDeliveryReported',
        sourceEventId: dispatch.eventId,
        providerMessageId: report.providerMessageId,
        status: report.status,
        ...(report.errorCode ? { errorCode: report.errorCode } : {}),
      });
      logger.info(
        { sourceEventId: dispatch.eventId, providerMessageId: report.providerMessageId, status: report.status },
        'delivery report recorded',
      );
    },
    { from: wiring.from ?? 'beginning' },
  );
  return [
    {
      async stop() {
        await events.stop();
        await recorder.stop();
      },
    },
    reports,
  ];
}
