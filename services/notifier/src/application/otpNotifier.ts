/**
 * Sends each `OtpIssued` as an SMS: opens the sealed code with the notifier's
 * key, skips codes that have already expired, and ignores an event it has
 * already sent (the bus delivers at least once). Logs never hold the code or
 * the full phone number.
 */
import { eventHeaders, maskPhoneNumber, type EventMessageValue } from '@tessera/contracts';
import { openSealedJson, type BoxKeyPair } from '@tessera/crypto';
import type { Logger } from '@tessera/logging';
import type { Message } from '@tessera/messaging';
import type { SmsSender } from '@tessera/sms';
import type { DispatchLedger } from './dispatchLedger.ts';
import { otpText, type MessageOptions } from './messages.ts';

export interface OtpNotifierOptions {
  sms: SmsSender;
  keyPair: BoxKeyPair;
  logger: Logger;
  clock: () => Date;
  messages: MessageOptions;
  /** Remembers dispatches across restarts; without it, only this process's recent sends are deduped. */
  ledger?: DispatchLedger;
  /** How many recent event ids to remember in memory for dedupe. */
  dedupeWindow?: number;
  /** Told of every dispatch outcome (metrics). */
  onDispatch?: (outcome: 'sent' | 'duplicate' | 'expired' | 'unreadable') => void;
}

export function createOtpNotifier(options: OtpNotifierOptions): (message: Message) => Promise<void> {
  const { sms, keyPair, logger, clock, messages, ledger } = options;
  const outcome = options.onDispatch ?? (() => undefined);
  const dedupeWindow = options.dedupeWindow ?? 10_000;
  const sent = new Set<string>();

  return async (message) => {
    if (message.headers[eventHeaders.type] !== 'OtpIssued') return;
    const event = message.value as EventMessageValue;
    const state = sent.has(event.eventId) ? 'sent' : ((await ledger?.state(event.eventId)) ?? 'none');
    if (state === 'sent') {
      outcome('duplicate');
      return;
    }
    const data = event.data as { sessionId: string; purpose: string; sealedDelivery: string; expiresAt: string };
    const context = { eventId: event.eventId, sessionId: data.sessionId, correlationId: message.headers[eventHeaders.correlationId] };
    const remainingMs = Date.parse(data.expiresAt) - clock().getTime();
    if (remainingMs <= 0) {
      logger.warn(context, 'otp not sent: the code expired before it could be sent');
      outcome('expired');
      return;
    }
    const delivery = openSealedJson<{ code: string; to: string }>(keyPair, data.sealedDelivery);
    if (!delivery) {
      logger.error(context, 'otp not sent: the sealed code does not open with this notifier key');
      outcome('unreadable');
      return;
    }
    const text = otpText(data.purpose, delivery.code, Math.max(1, Math.round(remainingMs / 60_000)), messages);
    // After a crash mid-dispatch, ask the provider before sending again; one that cannot tell may get a duplicate.
    const earlier = state === 'sending' ? await sms.findByReference?.(event.eventId) : undefined;
    if (state === 'none') await ledger?.begin(event.eventId, event.position);
    const receipt = earlier ?? await sms.send({ to: delivery.to, text, reference: event.eventId });
    await ledger?.complete({ eventId: event.eventId, sessionId: data.sessionId, providerMessageId: receipt.providerMessageId, dispatchedAt: clock().toISOString() }, event.position);
    sent.add(event.eventId);
    outcome('sent');
    if (sent.size > dedupeWindow) sent.delete(sent.values().next().value as string);
    logger.info({ ...context, destination: maskPhoneNumber(delivery.to), providerMessageId: receipt.providerMessageId }, 'otp sms handed to provider');
  };
}
