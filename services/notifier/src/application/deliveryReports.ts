/**
 * Providers' delivery reports, verified by the gateway, matched here to the
 * dispatch they are about and recorded in its user's stream.
 */
import type { Logger } from '@tessera/logging';
import type { Message } from '@tessera/messaging';
import type { DispatchLedger } from './dispatchLedger.ts';
import type { SmsOutcome } from './smsOutcomes.ts';

export interface DeliveryReport {
  providerMessageId: string;
  status: string;
  errorCode?: string;
}

export function createDeliveryReportHandler(options: {
  ledger: DispatchLedger;
  recordOutcome: (userId: string, outcome: SmsOutcome) => Promise<void>;
  logger: Logger;
}): (message: Message) => Promise<void> {
  const { ledger, recordOutcome, logger } = options;
  return async (message) => {
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
  };
}
