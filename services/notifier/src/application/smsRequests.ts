/** The SMS an event asks for: opened from its sealed payload, worded in the user's language. */
import type {
  EventMessageValue,
  SealedNewSignInNotice,
  SealedOtpDelivery,
  SealedPasskeyNotice,
  SealedPasswordChangedNotice,
  SealedPhoneNumberChangedNotice,
  SealedRecoveryCodesNotice,
} from '@tessera/contracts';
import { openSealedJson, type BoxKeyPair } from '@tessera/crypto';
import type { SmsDispatch } from './dispatchLedger.ts';
import {
  languageFor,
  newSignInText,
  otpText,
  passkeyText,
  passwordChangedText,
  phoneNumberChangedText,
  recoveryCodesText,
  type Language,
  type MessageOptions,
} from './messages.ts';

export interface SmsRequest {
  userId: string;
  purpose: SmsDispatch['purpose'];
  to: string;
  text: string;
  /** When the code it carries expires: after that it is not sent. */
  expiresAt?: string;
}

export interface SmsRequestOptions {
  keyPair: BoxKeyPair;
  clock: () => Date;
  messages: MessageOptions;
}

/**
 * The SMS `event` (its personal fields already revealed) asks for; undefined
 * when it asks for none, 'unreadable' when its sealed payload does not open
 * with this notifier's key.
 */
export function smsRequestOf(
  event: EventMessageValue,
  options: SmsRequestOptions,
): SmsRequest | 'unreadable' | undefined {
  const { keyPair, clock, messages } = options;
  const data = event.data as Record<string, string | undefined>;
  const userId = data.userId ?? '';
  if (event.type === 'OtpIssued') {
    const sealed = openSealedJson<SealedOtpDelivery>(keyPair, data.sealedDelivery ?? '');
    if (!sealed) return 'unreadable';
    const minutes = Math.max(1, Math.round((Date.parse(data.expiresAt ?? '') - clock().getTime()) / 60_000));
    const text = otpText(
      languageFor(sealed.locale, sealed.to),
      data.purpose ?? 'LOGIN',
      sealed.code,
      minutes,
      messages,
      sealed.stepUp,
    );
    return { userId, purpose: 'OTP', to: sealed.to, text, ...(data.expiresAt ? { expiresAt: data.expiresAt } : {}) };
  }
  if (event.type === 'PasswordChanged' && data.sealedNotice) {
    const sealed = openSealedJson<SealedPasswordChangedNotice>(keyPair, data.sealedNotice);
    if (!sealed) return 'unreadable';
    return {
      userId,
      purpose: 'PASSWORD_CHANGED',
      to: sealed.to,
      text: passwordChangedText(languageFor(sealed.locale, sealed.to), messages),
    };
  }
  if (event.type === 'PhoneNumberChanged' && data.sealedNotice) {
    const sealed = openSealedJson<SealedPhoneNumberChangedNotice>(keyPair, data.sealedNotice);
    if (!sealed) return 'unreadable';
    const text = phoneNumberChangedText(languageFor(sealed.locale, sealed.to), sealed.newNumberHint, messages);
    return { userId, purpose: 'PHONE_NUMBER_CHANGED', to: sealed.to, text };
  }
  if (event.type === 'NewDeviceSignInNoticed') {
    const sealed = openSealedJson<SealedNewSignInNotice>(keyPair, data.sealedNotice ?? '');
    if (!sealed) return 'unreadable';
    const text = newSignInText(languageFor(sealed.locale, sealed.to), sealed.platform, messages);
    return { userId, purpose: 'NEW_SIGN_IN', to: sealed.to, text };
  }
  if (data.sealedNotice) return factorNoticeOf(event.type, userId, data.sealedNotice, options);
  return undefined;
}

/** The notices of a second factor set up, used or removed (recovery codes, passkeys): sealed `{to, locale}`. */
function factorNoticeOf(
  type: string,
  userId: string,
  sealedNotice: string,
  { keyPair, messages }: SmsRequestOptions,
): SmsRequest | 'unreadable' | undefined {
  const texts: Record<string, [SmsRequest['purpose'], (language: Language) => string]> = {
    RecoveryCodesGenerated: ['RECOVERY_CODES', (language) => recoveryCodesText(language, 'GENERATED', messages)],
    RecoveryCodeUsed: ['RECOVERY_CODES', (language) => recoveryCodesText(language, 'USED', messages)],
    PasskeyRegistered: ['PASSKEYS', (language) => passkeyText(language, 'ADDED', messages)],
    PasskeyRemoved: ['PASSKEYS', (language) => passkeyText(language, 'REMOVED', messages)],
  };
  if (!Object.hasOwn(texts, type)) return undefined;
  const [purpose, text] = texts[type]!;
  const sealed = openSealedJson<SealedRecoveryCodesNotice | SealedPasskeyNotice>(keyPair, sealedNotice);
  if (!sealed) return 'unreadable';
  return { userId, purpose, to: sealed.to, text: text(languageFor(sealed.locale, sealed.to)) };
}
