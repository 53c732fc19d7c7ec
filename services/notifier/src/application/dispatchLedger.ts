/**
 * What the notifier has handed to the SMS provider, keyed by the `OtpIssued`
 * event id, so a redelivered event (after a restart or a rebalance) sends
 * nothing. Kept in the notifier's read-model store: SQLite or MongoDB.
 */
import type { ViewStore } from '@tessera/read-models';

export interface SmsDispatch {
  eventId: string;
  sessionId: string;
  providerMessageId: string;
  dispatchedAt: string;
}

export interface DispatchLedger {
  wasDispatched(eventId: string): Promise<boolean>;
  record(dispatch: SmsDispatch, position: number): Promise<void>;
}

export function createDispatchLedger(store: ViewStore): DispatchLedger {
  const dispatches = store.collection<SmsDispatch>('sms_dispatches');
  return {
    async wasDispatched(eventId) {
      return (await dispatches.get(eventId)) !== undefined;
    },
    async record(dispatch, position) {
      await dispatches.upsert(dispatch.eventId, dispatch, position);
    },
  };
}
