/**
 * Sends the SMS identity's events ask for — the code of each `OtpIssued`, the
 * notice of each `PasswordChanged` — through the SMS port (retries and
 * failover sit behind it), each once from the user's view:
 * - a dispatch ledger keyed by event id makes redelivery harmless; after a
 *   crash between the provider call and its record, the provider is asked
 *   before sending again (one that cannot tell may get one duplicate);
 * - a code whose challenge has expired is never sent;
 * - permanent or exhausted failures go to the dead-letter topic with the reason;
 * - every outcome is recorded in the user's stream (SmsDispatched /
 *   SmsDispatchFailed), never with the code; given a recorder, in the
 *   background, so the next SMS does not wait for identity's answer.
 * Logs never hold the code or the full phone number.
 */
import { eventHeaders, maskPhoneNumber, type EventMessageValue } from '@tessera/contracts';
import type { BoxKeyPair } from '@tessera/crypto';
import type { Logger } from '@tessera/logging';
import type { PersonalDataReader } from '@tessera/personal-data';
import type { Message } from '@tessera/messaging';
import { SmsDeliveryError, type SmsReceipt, type SmsSender } from '@tessera/sms';
import type { DispatchLedger, DispatchState, SmsDispatch } from './dispatchLedger.ts';
import type { MessageOptions } from './messages.ts';
import type { OutcomeRecorder } from './outcomeRecorder.ts';
import { outcomeOf, splitProvider, type SmsOutcome } from './smsOutcomes.ts';
import { smsRequestOf, type SmsRequest } from './smsRequests.ts';

export interface DeadLetter {
  sourceEventId: string;
  sourceEventType: string;
  reason: 'PERMANENT' | 'EXHAUSTED' | 'UNREADABLE';
  provider?: string;
  httpStatus?: number;
  at: string;
}

/** What became of an event that asks for an SMS, as metrics count it. */
export type DispatchResult = 'sent' | 'duplicate' | 'expired' | 'failed';

export interface SmsNotifierOptions {
  sms: SmsSender;
  /** Opens the sealed payloads, which are encrypted with the user's key. */
  personalData: Pick<PersonalDataReader, 'reveal'>;
  keyPair: BoxKeyPair;
  logger: Logger;
  clock: () => Date;
  messages: MessageOptions;
  ledger: DispatchLedger;
  /** Publishes to the dead-letter topic. */
  deadLetter: (entry: DeadLetter) => Promise<void>;
  /** Records the outcome in the user's stream (through identity). */
  recordOutcome: (userId: string, outcome: SmsOutcome) => Promise<void>;
  /**
   * Runs the records in the background, retrying until they succeed. Without
   * one, the handler awaits the record and throws if it fails (the event is
   * then delivered again).
   */
  recorder?: OutcomeRecorder;
  onDispatch?: (result: DispatchResult) => void;
}

/** What every log line about one event carries. */
type LogContext = { eventId: string; eventType: string; correlationId: string | undefined };
/** What every dispatch record of one event starts with: `at` is when the notifier took it up. */
type DispatchBase = Pick<SmsDispatch, 'eventId' | 'userId' | 'purpose' | 'at'>;

export function createSmsNotifier(options: SmsNotifierOptions): (message: Message) => Promise<void> {
  const { sms, logger, clock, ledger } = options;
  const tellDispatched = options.onDispatch ?? (() => undefined);

  async function finish(event: EventMessageValue, dispatch: SmsDispatch, outcome: SmsOutcome) {
    await ledger.complete(dispatch, event.position);
    const record = async () => {
      await options.recordOutcome(dispatch.userId, outcome);
      await ledger.markRecorded(event.eventId, event.position);
    };
    if (options.recorder) options.recorder.add(event.eventId, record);
    else await record();
  }

  /** The provider refused for good, or every try failed: dead-lettered and recorded as failed. */
  async function giveUp(
    event: EventMessageValue,
    request: SmsRequest,
    base: DispatchBase,
    context: LogContext,
    error: unknown,
  ) {
    const { at } = base;
    const failure = error instanceof SmsDeliveryError ? error : undefined;
    const reason = failure?.kind === 'permanent' ? 'PERMANENT' : 'EXHAUSTED';
    const provider = failure?.provider ? { provider: failure.provider } : {};
    const httpStatus = failure?.status !== undefined ? { httpStatus: failure.status } : {};
    logger.error(
      { ...context, destination: maskPhoneNumber(request.to), reason, ...provider, ...httpStatus },
      'sms not sent: dead-lettered',
    );
    await options.deadLetter({
      sourceEventId: event.eventId,
      sourceEventType: event.type,
      reason,
      at,
      ...provider,
      ...httpStatus,
    });
    await finish(
      event,
      { ...base, status: 'failed', failure: reason, ...provider },
      {
        type: 'SmsDispatchFailed',
        sourceEventId: event.eventId,
        purpose: request.purpose,
        reason,
        ...provider,
        ...httpStatus,
      },
    );
    tellDispatched('failed');
  }

  /** Hands the SMS to the provider (or finds it there after a crash), then records it. */
  async function send(
    event: EventMessageValue,
    request: SmsRequest,
    base: DispatchBase,
    context: LogContext,
    state: DispatchState,
  ) {
    const recovered = state === 'sending' ? await sms.findByReference?.(event.eventId) : undefined;
    if (state === 'none') await ledger.begin(event.eventId, event.position);
    let receipt: SmsReceipt;
    try {
      receipt = recovered ?? (await sms.send({ to: request.to, text: request.text, reference: event.eventId }));
    } catch (error) {
      return giveUp(event, request, base, context, error);
    }
    const { provider, providerMessageId } = splitProvider(receipt);
    await finish(
      event,
      { ...base, status: 'sent', provider, providerMessageId },
      { type: 'SmsDispatched', sourceEventId: event.eventId, purpose: request.purpose, provider, providerMessageId },
    );
    tellDispatched(recovered ? 'duplicate' : 'sent');
    logger.info(
      {
        ...context,
        destination: maskPhoneNumber(request.to),
        provider,
        providerMessageId,
        recovered: Boolean(recovered),
      },
      recovered ? 'sms was already with the provider before a restart: not sent again' : 'sms handed to provider',
    );
  }

  return async (message) => {
    const type = message.headers[eventHeaders.type];
    if (type !== 'OtpIssued' && type !== 'PasswordChanged') return;
    const event = message.value as EventMessageValue;
    const context = {
      eventId: event.eventId,
      eventType: event.type,
      correlationId: message.headers[eventHeaders.correlationId],
    };
    const state = await ledger.state(event.eventId);
    if (state === 'recorded') return tellDispatched('duplicate');
    const earlier = state === 'done' ? await ledger.get(event.eventId) : undefined;
    if (earlier) {
      // Sent (or given up on) already; only the record of it was missing.
      await finish(event, earlier, outcomeOf(earlier));
      return tellDispatched('duplicate');
    }
    const revealed = await options.personalData.reveal(event.type, event.data);
    if (revealed.erased) return logger.info(context, "sms not sent: the user's personal data was erased");
    const request = smsRequestOf({ ...event, data: revealed.data }, options);
    if (request === undefined) return;
    const at = clock().toISOString();
    if (request === 'unreadable') {
      logger.error(context, 'sms not sent: the sealed payload does not open with this notifier key');
      await options.deadLetter({ sourceEventId: event.eventId, sourceEventType: event.type, reason: 'UNREADABLE', at });
      return tellDispatched('failed');
    }
    const base = { eventId: event.eventId, userId: request.userId, purpose: request.purpose, at };
    if (request.expiresAt && Date.parse(request.expiresAt) <= clock().getTime()) {
      logger.warn(context, 'sms not sent: the code expired before it could be sent');
      await finish(
        event,
        { ...base, status: 'failed', failure: 'EXPIRED' },
        { type: 'SmsDispatchFailed', sourceEventId: event.eventId, purpose: request.purpose, reason: 'EXPIRED' },
      );
      return tellDispatched('expired');
    }
    await send(event, request, base, context, state);
  };
}
