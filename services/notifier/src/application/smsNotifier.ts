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
import {
  eventHeaders,
  maskPhoneNumber,
  type EventMessageValue,
  type RecordSmsOutcome,
  type SealedOtpDelivery,
  type SealedPasswordChangedNotice,
} from '@tessera/contracts';
import { openSealedJson, type BoxKeyPair } from '@tessera/crypto';
import type { Logger } from '@tessera/logging';
import type { PersonalDataReader } from '@tessera/personal-data';
import type { Message } from '@tessera/messaging';
import { SmsDeliveryError, type SmsReceipt, type SmsSender } from '@tessera/sms';
import type { DispatchLedger, SmsDispatch } from './dispatchLedger.ts';
import type { OutcomeRecorder } from './outcomeRecorder.ts';
import { languageFor, otpText, passwordChangedText, type MessageOptions } from './messages.ts';

export type SmsOutcome = RecordSmsOutcome['payload']['outcome'];

export interface DeadLetter {
  sourceEventId: string;
  sourceEventType: string;
  reason: 'PERMANENT' | 'EXHAUSTED' | 'UNREADABLE';
  provider?: string;
  httpStatus?: number;
  at: string;
}

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
  onDispatch?: (outcome: 'sent' | 'duplicate' | 'expired' | 'failed') => void;
}

interface Request {
  userId: string;
  purpose: SmsDispatch['purpose'];
  to: string;
  text: string;
  expiresAt?: string;
}

/** `plivo:<uuid>` from the failover chain names the provider; a single provider's id has no prefix. */
function splitProvider(receipt: SmsReceipt): { provider: string; providerMessageId: string } {
  const colon = receipt.providerMessageId.indexOf(':');
  return colon > 0
    ? {
        provider: receipt.providerMessageId.slice(0, colon),
        providerMessageId: receipt.providerMessageId.slice(colon + 1),
      }
    : { provider: 'sms', providerMessageId: receipt.providerMessageId };
}

export function createSmsNotifier(options: SmsNotifierOptions): (message: Message) => Promise<void> {
  const { sms, keyPair, logger, clock, messages, ledger } = options;
  const count = options.onDispatch ?? (() => undefined);

  function requestOf(event: EventMessageValue): Request | 'unreadable' | undefined {
    const data = event.data as Record<string, string | undefined>;
    const userId = data.userId ?? '';
    if (event.type === 'OtpIssued') {
      const sealed = openSealedJson<SealedOtpDelivery>(keyPair, data.sealedDelivery ?? '');
      if (!sealed) return 'unreadable';
      const minutes = Math.max(1, Math.round((Date.parse(data.expiresAt ?? '') - clock().getTime()) / 60_000));
      const text = otpText(
        languageFor(sealed.locale, sealed.to),
        data.purpose ?? 'LOGIN',
        sealed.code,
        minutes,
        messages,
      );
      return { userId, purpose: 'OTP', to: sealed.to, text, ...(data.expiresAt ? { expiresAt: data.expiresAt } : {}) };
    }
    if (event.type === 'PasswordChanged' && data.sealedNotice) {
      const sealed = openSealedJson<SealedPasswordChangedNotice>(keyPair, data.sealedNotice);
      if (!sealed) return 'unreadable';
      return {
        userId,
        purpose: 'PASSWORD_CHANGED',
        to: sealed.to,
        text: passwordChangedText(languageFor(sealed.locale, sealed.to), messages),
      };
    }
    return undefined;
  }

  async function finish(event: EventMessageValue, dispatch: SmsDispatch, outcome: SmsOutcome) {
    await ledger.complete(dispatch, event.position);
    const record = async () => {
      await options.recordOutcome(dispatch.userId, outcome);
      await ledger.markRecorded(event.eventId, event.position);
    };
    if (options.recorder) options.recorder.add(event.eventId, record);
    else await record();
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
    if (state === 'recorded') {
      count('duplicate');
      return;
    }
    const earlier = state === 'done' ? await ledger.get(event.eventId) : undefined;
    if (earlier) {
      // Sent (or given up on) already; only the record of it was missing.
      await finish(event, earlier, outcomeOf(earlier));
      count('duplicate');
      return;
    }
    const revealed = await options.personalData.reveal(event.type, event.data);
    if (revealed.erased) {
      logger.info(context, "sms not sent: the user's personal data was erased");
      return;
    }
    const request = requestOf({ ...event, data: revealed.data });
    if (request === undefined) return;
    const at = clock().toISOString();
    if (request === 'unreadable') {
      logger.error(context, 'sms not sent: the sealed payload does not open with this notifier key');
      await options.deadLetter({ sourceEventId: event.eventId, sourceEventType: event.type, reason: 'UNREADABLE', at });
      count('failed');
      return;
    }
    const base = { eventId: event.eventId, userId: request.userId, purpose: request.purpose, at };
    if (request.expiresAt && Date.parse(request.expiresAt) <= clock().getTime()) {
      logger.warn(context, 'sms not sent: the code expired before it could be sent');
      await finish(
        event,
        { ...base, status: 'failed', failure: 'EXPIRED' },
        { type: 'SmsDispatchFailed', sourceEventId: event.eventId, purpose: request.purpose, reason: 'EXPIRED' },
      );
      count('expired');
      return;
    }
    const destination = maskPhoneNumber(request.to);
    const recovered = state === 'sending' ? await sms.findByReference?.(event.eventId) : undefined;
    if (state === 'none') await ledger.begin(event.eventId, event.position);
    let receipt: SmsReceipt;
    try {
      receipt = recovered ?? (await sms.send({ to: request.to, text: request.text, reference: event.eventId }));
    } catch (error) {
      const failure = error instanceof SmsDeliveryError ? error : undefined;
      const reason = failure?.kind === 'permanent' ? 'PERMANENT' : 'EXHAUSTED';
      logger.error(
        { ...context, destination, reason, provider: failure?.provider, httpStatus: failure?.status },
        'sms not sent: dead-lettered',
      );
      await options.deadLetter({
        sourceEventId: event.eventId,
        sourceEventType: event.type,
        reason,
        at,
        ...(failure?.provider ? { provider: failure.provider } : {}),
        ...(failure?.status !== undefined ? { httpStatus: failure.status } : {}),
      });
      await finish(
        event,
        { ...base, status: 'failed', failure: reason, ...(failure?.provider ? { provider: failure.provider } : {}) },
        {
          type: 'SmsDispatchFailed',
          sourceEventId: event.eventId,
          purpose: request.purpose,
          reason,
          ...(failure?.provider ? { provider: failure.provider } : {}),
          ...(failure?.status !== undefined ? { httpStatus: failure.status } : {}),
        },
      );
      count('failed');
      return;
    }
    const { provider, providerMessageId } = splitProvider(receipt);
    await finish(
      event,
      { ...base, status: 'sent', provider, providerMessageId },
      {
        type: 'SmsDispatched',
        sourceEventId: event.eventId,
        purpose: request.purpose,
        provider,
        providerMessageId,
      },
    );
    count(recovered ? 'duplicate' : 'sent');
    logger.info(
      { ...context, destination, provider, providerMessageId, recovered: Boolean(recovered) },
      recovered ? 'sms was already with the provider before a restart: not sent again' : 'sms handed to provider',
    );
  };
}

function outcomeOf(dispatch: SmsDispatch): SmsOutcome {
  if (dispatch.status === 'sent') {
    return {
      type: 'SmsDispatched',
      sourceEventId: dispatch.eventId,
      purpose: dispatch.purpose,
      provider: dispatch.provider ?? 'sms',
      providerMessageId: dispatch.providerMessageId ?? '',
    };
  }
  return {
    type: 'SmsDispatchFailed',
    sourceEventId: dispatch.eventId,
    purpose: dispatch.purpose,
    reason: dispatch.failure ?? 'EXHAUSTED',
    ...(dispatch.provider ? { provider: dispatch.provider } : {}),
  };
}

/** Hands every dispatch whose outcome a stopped notifier left unrecorded to `recorder`. */
export async function recoverUnrecordedOutcomes(
  options: Pick<SmsNotifierOptions, 'ledger' | 'recordOutcome'> & { recorder: OutcomeRecorder },
): Promise<number> {
  const pending = await options.ledger.unrecorded();
  for (const { dispatch, position } of pending) {
    options.recorder.add(dispatch.eventId, async () => {
      await options.recordOutcome(dispatch.userId, outcomeOf(dispatch));
      await options.ledger.markRecorded(dispatch.eventId, position);
    });
  }
  return pending.length;
}
