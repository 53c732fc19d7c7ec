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
  /** On a step-up's code: what the code confirms, stated in the SMS (dynamic linking). */
  stepUp?: SealedStepUpDetails;
}

/** What a step-up's SMS states: the action, the amount and currency, and a recognisable end of the destination. */
export interface SealedStepUpDetails {
  action: string;
  /** Normalised, as hashed: the amount the token is bound to. */
  amount?: string;
  currency?: string;
  /** `…` and the destination's last four characters. */
  destinationHint?: string;
}

/** Inside a `RecoveryCodesGenerated` or `RecoveryCodeUsed` event's `sealedNotice`: where to tell the user. */
export interface SealedRecoveryCodesNotice {
  /** E.164. */
  to: string;
  locale?: string;
}

/** Inside a `PasskeyRegistered` or `PasskeyRemoved` event's `sealedNotice`: where to tell the user. */
export interface SealedPasskeyNotice {
  /** E.164. */
  to: string;
  locale?: string;
}

/** Inside a `PasswordChanged` event's `sealedNotice`: where to tell the user that the password changed. */
export interface SealedPasswordChangedNotice {
  /** E.164. */
  to: string;
  locale?: string;
}

/** Inside a `NewDeviceSignInNoticed` event's `sealedNotice`: where to tell the user of a sign-in from a new device. */
export interface SealedNewSignInNotice {
  /** E.164. */
  to: string;
  locale?: string;
  /** The platform the login declared (the device's name is the caller's free text, and stays out of the SMS). */
  platform?: string;
}

/** Inside a `PhoneNumberChanged` event's `sealedNotice`: the number given up, told where the number moved. */
export interface SealedPhoneNumberChangedNotice {
  /** E.164: the old number. */
  to: string;
  locale?: string;
  /** `…` and the new number's last four digits. */
  newNumberHint: string;
}
