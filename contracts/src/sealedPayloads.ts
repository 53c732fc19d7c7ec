/**
 * What identity seals to the notifier's key inside events, so only the
 * notifier reads a code or a phone number (ADR 2). Identity writes these
 * shapes; the notifier opens them.
 */

/** Inside an `OtpIssued` event's `sealedDelivery`: the code and where to send it. */
export interface SealedOtpDelivery {
  code: string;
  /** E.164. */
  to: string;
  /** The user's language, if chosen at sign-up. */
  locale?: string;
}

/** Inside a `PasswordChanged` event's `sealedNotice`: where to tell the user that the password changed. */
export interface SealedPasswordChangedNotice {
  /** E.164. */
  to: string;
  locale?: string;
}
