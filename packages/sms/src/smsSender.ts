/** The SMS port: hand one text to a provider for one phone number. */
export interface SmsMessage {
  /** E.164 destination. */
  to: string;
  text: string;
  /** Correlates provider logs with ours; never holds personal data. */
  reference: string;
}

export interface SmsReceipt {
  /** The provider's id for the message, kept for delivery reports and audits. */
  providerMessageId: string;
}

export interface SmsSender {
  send(message: SmsMessage): Promise<SmsReceipt>;
  /**
   * Whether a message with this reference was already accepted, for recovery
   * after a crash between the hand-off and its record. Providers that cannot
   * tell leave it out, and the caller sends again (at most one duplicate).
   */
  findByReference?(reference: string): Promise<SmsReceipt | undefined>;
}
