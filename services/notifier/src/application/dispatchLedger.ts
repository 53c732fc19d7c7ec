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

export type DispatchState = 'none' | 'sending' | 'sent';

/**
 * Two records per dispatch: the intent, written before the provider is
 * called, and the dispatch, written after it accepted. An intent without a
 * dispatch means a crash in between: the provider may or may not have the SMS.
 */
export interface DispatchLedger {
  state(eventId: string): Promise<DispatchState>;
  begin(eventId: string, position: number): Promise<void>;
  complete(dispatch: SmsDispatch, position: number): Promise<void>;
}

export function createDispatchLedger(store: ViewStore): DispatchLedger {
  const intents = store.collection<{ eventId: string }>('sms_dispatch_intents');
  const dispatches = store.collection<SmsDispatch>('sms_dispatches');
  return {
    async state(eventId) {
      if (await dispatches.get(eventId)) return 'sent';
      return (await intents.get(eventId)) ? 'sending' : 'none';
    },
    async begin(eventId, position) {
      await intents.upsert(eventId, { eventId }, position);
    },
    async complete(dispatch, position) {
      await dispatches.upsert(dispatch.eventId, dispatch, position);
    },
  };
}
