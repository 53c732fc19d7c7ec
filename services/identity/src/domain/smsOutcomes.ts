/** What the notifier reports of each SMS (dispatched, failed, delivered), kept once each on the user's stream. */
import type { RecordSmsOutcome } from '@tessera/contracts';
import { smsOutcomeKey } from './credentialsState.ts';
import { accept, type Decision } from './decision.ts';
import type { UserState } from './userState.ts';

/** The notifier reports each SMS outcome at least once; the stream keeps one of each. */
export function recordSmsOutcome(
  { outcome }: { outcome: RecordSmsOutcome['payload']['outcome'] },
  state: UserState,
): Decision {
  const detail = outcome.type === 'SmsDeliveryReported' ? outcome.status : '';
  if (state.smsOutcomes.includes(smsOutcomeKey(outcome.type, outcome.sourceEventId, detail))) return accept();
  const { userId } = state;
  const { sourceEventId } = outcome;
  switch (outcome.type) {
    case 'SmsDispatched': {
      const { purpose, provider, providerMessageId } = outcome;
      return accept({ type: 'SmsDispatched', data: { userId, sourceEventId, purpose, provider, providerMessageId } });
    }
    case 'SmsDispatchFailed': {
      const { purpose, reason, provider, httpStatus } = outcome;
      const optional = { ...(provider ? { provider } : {}), ...(httpStatus !== undefined ? { httpStatus } : {}) };
      return accept({ type: 'SmsDispatchFailed', data: { userId, sourceEventId, purpose, reason, ...optional } });
    }
    case 'SmsDeliveryReported': {
      const { providerMessageId, status, errorCode } = outcome;
      const data = { userId, sourceEventId, providerMessageId, status, ...(errorCode ? { errorCode } : {}) };
      return accept({ type: 'SmsDeliveryReported', data });
    }
  }
}
