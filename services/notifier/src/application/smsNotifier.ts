/**
 * Sends the SMS identity's events ask for — the code of each `OtpIssued`, the
 * notice of each `PasswordChanged`, `NewDeviceSignInNoticed`, `PhoneNumberChanged`, `RecoveryCodesGenerated`, `RecoveryCodeUsed`, `PasskeyRegistered` and `PasskeyRemoved` — through the SMS port (retries and
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

/** One event's SMS on its way: what every step of it needs. */
interface Dispatching {
  event: EventMessageValue;
  request: SmsRequest;
  /** What every dispatch record of the event starts with: `at` is when the notifier took it up. */
  base: Pick<SmsDispatch, 'eventId' | 'userId' | 'purpose' | 'at'>;
  context: LogContext;
}

/** The events that ask for an SMS. */
const SMS_EVENT_TYPES = new Set([
  'OtpIssued',
  'PasswordChanged',
  'NewDeviceSignInNoticed',
  'PhoneNumberChanged',
  'RecoveryCodesGenerated',
  'RecoveryCodeUsed',
  'PasskeyRegistered',
  'PasskeyRemoved',
]);

export function createSmsNotifier(options: SmsNotifierOptions): (message: Message) => Promise<void> {
  return (message) => notifyOnce(options, message);
}

const tellDispatched = (options: SmsNotifierOptions, result: DispatchResult): void => options.onDispatch?.(result);

async function notifyOnce(options: SmsNotifierOptions, message: Message): Promise<void> {
  const { logger, clock, ledger } = options;
  const type = message.headers[eventHeaders.type];
  if (type === undefined || !SMS_EVENT_TYPES.has(type)) return;
  const event = message.value as EventMessageValue;
  const context = {
    eventId: event.eventId,
    eventType: event.type,
    correlationId: message.headers[eventHeaders.correlationId],
  };
  const state = await ledger.state(event.eventId);
  if (state === 'recorded') return tellDispatched(options, 'duplicate');
  const earlier = state === 'done' ? await ledger.get(event.eventId) : undefined;
  if (earlier) {
    // Sent (or given up on) already; only the record of it was missing.
    await finish(options, event, earlier, outcomeOf(earlier));
    return tellDispatched(options, 'duplicate');
  }
  const revealed = await options.personalData.reveal(event.type, event.data);
  if (revealed.erased) return logger.info(context, "sms not sent: the user's personal data was erased");
  const request = smsRequestOf({ ...event, data: revealed.data }, options);
  if (request === undefined) return;
  const at = clock().toISOString();
  if (request === 'unreadable') {
    logger.error(context, 'sms not sent: the sealed payload does not open with this notifier key');
    await options.deadLetter({ sourceEventId: event.eventId, sourceEventType: event.type, reason: 'UNREADABLE', at });
    return tellDispatched(options, 'failed');
  }
  const dispatching = {
    event,
    request,
    base: { eventId: event.eventId, userId: request.userId, purpose: request.purpose, at },
    context,
  };
  if (request.expiresAt && Date.parse(request.expiresAt) <= clock().getTime()) return expire(options, dispatching);
  await send(options, dispatching, state);
}

/** Writes the outcome to the ledger, then records it in the user's stream (in the background, given a recorder). */
async function finish(
  options: SmsNotifierOptions,
  event: EventMessageValue,
  dispatch: SmsDispatch,
  outcome: SmsOutcome,
) {
  const { ledger } = options;
  await ledger.complete(dispatch, event.position);
  const record = async () => {
    await options.recordOutcome(dispatch.userId, outcome);
    await ledger.markRecorded(event.eventId, event.position);
  };
  if (options.recorder) options.recorder.add(event.eventId, record);
  else await record();
}

/** The code expired before it could be sent: never sent, recorded as failed. */
async function expire(options: SmsNotifierOptions, { event, request, base, context }: Dispatching) {
  options.logger.warn(context, 'sms not sent: the code expired before it could be sent');
  await finish(
    options,
    event,
    { ...base, status: 'failed', failure: 'EXPIRED' },
    { type: 'SmsDispatchFailed', sourceEventId: event.eventId, purpose: request.purpose, reason: 'EXPIRED' },
  );
  tellDispatched(options, 'expired');
}

/** Hands the SMS to the provider (or finds it there after a crash), then records it. */
async function send(options: SmsNotifierOptions, dispatching: Dispatching, state: DispatchState) {
  const { sms, ledger, logger } = options;
  const { event, request, base, context } = dispatching;
  const recovered = state === 'sending' ? await sms.findByReference?.(event.eventId) : undefined;
  if (state === 'none') await ledger.begin(event.eventId, event.position);
  let receipt: SmsReceipt;
  try {
    receipt = recovered ?? (await sms.send({ to: request.to, text: request.text, reference: event.eventId }));
  } catch (error) {
    return giveUp(options, dispatching, error);
  }
  const { provider, providerMessageId } = splitProvider(receipt);
  await finish(
    options,
    event,
    { ...base, status: 'sent', provider, providerMessageId },
    { type: 'SmsDispatched', sourceEventId: event.eventId, purpose: request.purpose, provider, providerMessageId },
  );
  tellDispatched(options, recovered ? 'duplicate' : 'sent');
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

/** The provider refused for good, or every try failed: dead-lettered and recorded as failed. */
async function giveUp(options: SmsNotifierOptions, { event, request, base, context }: Dispatching, error: unknown) {
  const failure = error instanceof SmsDeliveryError ? error : undefined;
  const reason = failure?.kind === 'permanent' ? 'PERMANENT' : 'EXHAUSTED';
  const provider = failure?.provider ? { provider: failure.provider } : {};
  const httpStatus = failure?.status !== undefined ? { httpStatus: failure.status } : {};
  options.logger.error(
    { ...context, destination: maskPhoneNumber(request.to), reason, ...provider, ...httpStatus },
    'sms not sent: dead-lettered',
  );
  const source = { sourceEventId: event.eventId, sourceEventType: event.type };
  await options.deadLetter({ ...source, reason, at: base.at, ...provider, ...httpStatus });
  await finish(
    options,
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
  tellDispatched(options, 'failed');
}
