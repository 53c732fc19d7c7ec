/**
 * What the notifier did with each event that asks for an SMS, keyed by that
 * event's id, so a redelivered event (after a restart or a rebalance) sends
 * nothing. Kept in the notifier's read-model store: SQLite or MongoDB.
 */
import type { ViewStore } from '@tessera/read-models';

export interface SmsDispatch {
  eventId: string;
  userId: string;
  purpose: 'OTP' | 'PASSWORD_CHANGED' | 'NEW_SIGN_IN' | 'PHONE_NUMBER_CHANGED' | 'RECOVERY_CODES' | 'PASSKEYS';
  status: 'sent' | 'failed';
  provider?: string;
  /** As the provider knows it (for delivery reports). */
  providerMessageId?: string;
  failure?: 'PERMANENT' | 'EXHAUSTED' | 'EXPIRED';
  at: string;
}

/**
 * none: never seen; sending: the provider was called but the outcome never
 * recorded (a crash in between); done: sent or given up on, outcome not yet in
 * the user's stream; recorded: all finished.
 */
export type DispatchState = 'none' | 'sending' | 'done' | 'recorded';

export interface DispatchLedger {
  state(eventId: string): Promise<DispatchState>;
  /** Written before the provider is called. */
  begin(eventId: string, position: number): Promise<void>;
  complete(dispatch: SmsDispatch, position: number): Promise<void>;
  get(eventId: string): Promise<SmsDispatch | undefined>;
  /** The outcome reached the user's stream. */
  markRecorded(eventId: string, position: number): Promise<void>;
  findByProviderMessageId(providerMessageId: string): Promise<SmsDispatch | undefined>;
  /** Dispatches completed whose outcome has not reached the user's stream, with their event's position. */
  unrecorded(): Promise<Array<{ dispatch: SmsDispatch; position: number }>>;
}

export function createDispatchLedger(store: ViewStore): DispatchLedger {
  const intents = store.collection<{ eventId: string }>('sms_dispatch_intents');
  const dispatches = store.collection<SmsDispatch>('sms_dispatches', { indexes: ['providerMessageId'] });
  const recorded = store.collection<{ eventId: string }>('sms_outcomes_recorded');
  // Completed and not yet recorded: what a restart must still record.
  const awaiting = store.collection<{ eventId: string; awaiting: true; position: number }>('sms_outcomes_awaiting', {
    indexes: ['awaiting'],
  });
  return {
    async state(eventId) {
      if (await recorded.get(eventId)) return 'recorded';
      if (await dispatches.get(eventId)) return 'done';
      return (await intents.get(eventId)) ? 'sending' : 'none';
    },
    async begin(eventId, position) {
      await intents.upsert(eventId, { eventId }, position);
    },
    async complete(dispatch, position) {
      await dispatches.upsert(dispatch.eventId, dispatch, position);
      await awaiting.upsert(dispatch.eventId, { eventId: dispatch.eventId, awaiting: true, position }, position);
    },
    get: (eventId) => dispatches.get(eventId),
    async markRecorded(eventId, position) {
      await recorded.upsert(eventId, { eventId }, position);
      await awaiting.delete(eventId, position);
    },
    async findByProviderMessageId(providerMessageId) {
      return (await dispatches.findBy('providerMessageId', providerMessageId))[0];
    },
    async unrecorded() {
      const found: Array<{ dispatch: SmsDispatch; position: number }> = [];
      for (const entry of await awaiting.findBy('awaiting', true)) {
        const dispatch = await dispatches.get(entry.eventId);
        if (dispatch) found.push({ dispatch, position: entry.position });
      }
      return found;
    },
  };
}
