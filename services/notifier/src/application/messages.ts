/**
 * The SMS texts, in the user's language: the locale chosen at sign-up, else
 * the language of the phone number's country, else English. Short (one SMS
 * segment where possible), the code first so phones can offer to fill it in.
 */
export type Language = 'en' | 'fr';

export interface MessageOptions {
  brand: string;
}

/** Calling codes of countries and territories where French is the usual language of such messages. */
const FRENCH_CALLING_CODES = [
  '+33',
  '+32',
  '+352',
  '+377',
  '+221',
  '+225',
  '+226',
  '+229',
  '+237',
  '+241',
  '+242',
  '+243',
  '+262',
  '+508',
  '+590',
  '+594',
  '+596',
  '+687',
  '+689',
];

export function languageFor(locale: string | undefined, phoneNumber: string): Language {
  const fromLocale = locale?.slice(0, 2).toLowerCase();
  if (fromLocale === 'fr' || fromLocale === 'en') return fromLocale;
  return FRENCH_CALLING_CODES.some((prefix) => phoneNumber.startsWith(prefix)) ? 'fr' : 'en';
}

const texts = {
  en: {
    otp: (code: string, purpose: string, minutes: number, brand: string) =>
      `${code} is your ${brand} ${purpose === 'PASSWORD_RESET' ? 'password reset code' : 'login code'}. It expires in ${minutes} min. Never share it.`,
    passwordChanged: (brand: string) =>
      `Your ${brand} password was just changed. If this was not you, contact ${brand} support now.`,
  },
  fr: {
    otp: (code: string, purpose: string, minutes: number, brand: string) =>
      `${code} est votre code ${purpose === 'PASSWORD_RESET' ? 'de réinitialisation du mot de passe' : 'de connexion'} ${brand}. Il expire dans ${minutes} min. Ne le communiquez jamais.`,
    passwordChanged: (brand: string) =>
      `Le mot de passe de votre compte ${brand} vient d'être modifié. Si ce n'est pas vous, contactez sans attendre le support ${brand}.`,
  },
} as const;

export function otpText(
  language: Language,
  purpose: string,
  code: string,
  expiresInMinutes: number,
  options: MessageOptions,
): string {
  return texts[language].otp(code, purpose, expiresInMinutes, options.brand);
}

export function passwordChangedText(language: Language, options: MessageOptions): string {
  return texts[language].passwordChanged(options.brand);
}
