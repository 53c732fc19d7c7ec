/** What became of an SMS, as recorded in the user's stream, and the recovery of records a stopped notifier left. */
import type { RecordSmsOutcome } from '@tessera/contracts';
import type { SmsReceipt } from '@tessera/sms';
import type { DispatchLedger, SmsDispatch } from './dispatchLedger.ts';
import type { OutcomeRecorder } from './outcomeRecorder.ts';

export type SmsOutcome = RecordSmsOutcome['payload']['outcome'];

/** `plivo:<uuid>` from the failover chain names the provider; a single provider's id has no prefix. */
export function splitProvider(receipt: SmsReceipt): { provider: string; providerMessageId: string } {
  const colon = receipt.providerMessageId.indexOf(':');
  return colon > 0
    ? {
        provider: receipt.providerMessageId.slice(0, colon),
        providerMessageId: receipt.providerMessageId.slice(colon + 1),
      }
    : { provider: 'sms', providerMessageId: receipt.providerMessageId };
}

/** The outcome a dispatch in the ledger stands for. */
export function outcomeOf(dispatch: SmsDispatch): SmsOutcome {
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
export async function recoverUnrecordedOutcomes(options: {
  ledger: DispatchLedger;
  recordOutcome: (userId: string, outcome: SmsOutcome) => Promise<void>;
  recorder: OutcomeRecorder;
}): Promise<number> {
  const pending = await options.ledger.unrecorded();
  for (const { dispatch, position } of pending) {
    options.recorder.add(dispatch.eventId, async () => {
      await options.recordOutcome(dispatch.userId, outcomeOf(dispatch));
      await options.ledger.markRecorded(dispatch.eventId, position);
    });
  }
  return pending.length;
}
