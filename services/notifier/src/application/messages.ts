/**
 * The SMS texts, in the user's language: the locale chosen at sign-up, else
 * the language of the phone number's country, else English. Short (one SMS
 * segment where possible), the code first so phones can offer to fill it in.
 * A step-up's code states what it confirms (dynamic linking): the action, the
 * amount and currency as signed, and the end of the destination.
 */
import type { SealedStepUpDetails } from '@tessera/contracts';

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
    newNumber: (code: string, minutes: number, brand: string) =>
      `${code} is your ${brand} code to make this your phone number. It expires in ${minutes} min. Never share it.`,
    phoneNumberChanged: (brand: string, newNumberHint: string) =>
      `Your ${brand} phone number was changed to ${newNumberHint}. If this was not you, contact support now.`,
    passwordChanged: (brand: string) =>
      `Your ${brand} password was just changed. If this was not you, contact ${brand} support now.`,
  },
  fr: {
    otp: (code: string, purpose: string, minutes: number, brand: string) =>
      `${code} est votre code ${purpose === 'PASSWORD_RESET' ? 'de réinitialisation du mot de passe' : 'de connexion'} ${brand}. Il expire dans ${minutes} min. Ne le communiquez jamais.`,
    newNumber: (code: string, minutes: number, brand: string) =>
      `${code} est votre code ${brand} pour faire de ce numéro le vôtre. Il expire dans ${minutes} min. Ne le communiquez jamais.`,
    phoneNumberChanged: (brand: string, newNumberHint: string) =>
      `Le numéro de téléphone de votre compte ${brand} a été remplacé par ${newNumberHint}. Si ce n'est pas vous, contactez le support sans attendre.`,
    passwordChanged: (brand: string) =>
      `Le mot de passe de votre compte ${brand} vient d'être modifié. Si ce n'est pas vous, contactez sans attendre le support ${brand}.`,
  },
} as const;

/** What each action reads as after "code 4821": in English, then in French. */
const stepUpPhrases: Record<string, Record<Language, (amount: string, destination: string) => string>> = {
  WITHDRAW: {
    en: (amount, destination) => `to withdraw ${amount} to ${destination}`,
    fr: (amount, destination) => `pour retirer ${amount} vers ${destination}`,
  },
  CONVERT: {
    en: (amount, destination) => `to convert ${amount} to ${destination}`,
    fr: (amount, destination) => `pour convertir ${amount} vers ${destination}`,
  },
  ADD_BENEFICIARY: {
    en: (_amount, destination) => `to add the beneficiary ${destination}`,
    fr: (_amount, destination) => `pour ajouter le bénéficiaire ${destination}`,
  },
  CHANGE_PHONE_NUMBER: {
    en: (_amount, destination) => `to change your phone number to ${destination}`,
    fr: (_amount, destination) => `pour remplacer votre numéro de téléphone par ${destination}`,
  },
  MANAGE_RECOVERY_CODES: {
    en: () => 'to generate new recovery codes',
    fr: () => 'pour générer de nouveaux codes de secours',
  },
  MANAGE_PASSKEYS: {
    en: () => 'to add a passkey',
    fr: () => "pour ajouter une clé d'accès",
  },
};

const stepUpTexts = {
  en: (brand: string, code: string, phrase: string) => `${brand}: code ${code} ${phrase}. Never share it.`,
  fr: (brand: string, code: string, phrase: string) => `${brand} : code ${code} ${phrase}. Ne le communiquez jamais.`,
  /** An action this notifier does not know yet still gets a code that says it confirms something. */
  unknownAction: { en: 'to confirm an operation', fr: 'pour confirmer une opération' },
} as const;

export function otpText(
  language: Language,
  purpose: string,
  code: string,
  expiresInMinutes: number,
  options: MessageOptions,
  stepUp?: SealedStepUpDetails,
): string {
  if (purpose === 'STEP_UP' && stepUp) return stepUpText(language, code, stepUp, options);
  if (purpose === 'PHONE_NUMBER_CHANGE') return texts[language].newNumber(code, expiresInMinutes, options.brand);
  return texts[language].otp(code, purpose, expiresInMinutes, options.brand);
}

function stepUpText(language: Language, code: string, stepUp: SealedStepUpDetails, options: MessageOptions): string {
  const amount = [stepUp.amount, stepUp.currency].filter((part) => part !== undefined).join(' ');
  const phrases = Object.hasOwn(stepUpPhrases, stepUp.action) ? stepUpPhrases[stepUp.action] : undefined;
  const phrase = phrases?.[language](amount, stepUp.destinationHint ?? '') ?? stepUpTexts.unknownAction[language];
  return stepUpTexts[language](options.brand, code, phrase);
}

/** How each platform a login may declare reads in a "new sign-in" SMS; an undeclared or unknown one says "a new device". */
const platformNames: Record<string, Record<Language, string>> = {
  IOS: { en: 'an iOS device', fr: 'un appareil iOS' },
  ANDROID: { en: 'an Android device', fr: 'un appareil Android' },
  WEB: { en: 'a web browser', fr: 'un navigateur web' },
  MACOS: { en: 'a Mac', fr: 'un Mac' },
  WINDOWS: { en: 'a Windows computer', fr: 'un ordinateur Windows' },
  LINUX: { en: 'a Linux computer', fr: 'un ordinateur Linux' },
};
const newDevice = { en: 'a new device', fr: 'un nouvel appareil' } as const;

const newSignInTexts = {
  en: (brand: string, device: string) =>
    `New sign-in to your ${brand} account on ${device}. If this was not you, reset your password now.`,
  fr: (brand: string, device: string) =>
    `Nouvelle connexion à votre compte ${brand} depuis ${device}. Si ce n'est pas vous, changez votre mot de passe sans attendre.`,
} as const;

/**
 * A session started on a device new to the user. It names the platform only:
 * the device's name is whatever the caller typed, and an SMS in the brand's
 * name must not carry a stranger's words (a phone number to call, a link).
 */
export function newSignInText(language: Language, platform: string | undefined, options: MessageOptions): string {
  const known = platform !== undefined && Object.hasOwn(platformNames, platform) ? platformNames[platform] : undefined;
  return newSignInTexts[language](options.brand, known?.[language] ?? newDevice[language]);
}

export function passwordChangedText(language: Language, options: MessageOptions): string {
  return texts[language].passwordChanged(options.brand);
}

/** To the number given up: where the number moved (its last four digits), so a SIM-swap victim hears of it. */
export function phoneNumberChangedText(language: Language, newNumberHint: string, options: MessageOptions): string {
  return texts[language].phoneNumberChanged(options.brand, newNumberHint);
}

const recoveryCodesTexts = {
  en: {
    GENERATED: (brand: string) =>
      `New ${brand} recovery codes were just generated; earlier ones no longer work. If this was not you, contact ${brand} support now.`,
    USED: (brand: string) =>
      `A ${brand} recovery code was just used instead of an SMS code. If this was not you, reset your password and contact ${brand} support now.`,
  },
  fr: {
    GENERATED: (brand: string) =>
      `De nouveaux codes de secours ${brand} viennent d'être générés ; les précédents ne fonctionnent plus. Si ce n'est pas vous, contactez sans attendre le support ${brand}.`,
    USED: (brand: string) =>
      `Un code de secours ${brand} vient d'être utilisé à la place d'un code SMS. Si ce n'est pas vous, changez votre mot de passe et contactez sans attendre le support ${brand}.`,
  },
} as const;

/** Recovery codes generated, or one used: the owner hears of it on the phone, which an attacker using one may not hold. */
export function recoveryCodesText(language: Language, happened: 'GENERATED' | 'USED', options: MessageOptions): string {
  return recoveryCodesTexts[language][happened](options.brand);
}

const passkeyTexts = {
  en: {
    ADDED: (brand: string) =>
      `A passkey was just added to your ${brand} account. If this was not you, remove it and contact ${brand} support now.`,
    REMOVED: (brand: string) =>
      `A passkey was just removed from your ${brand} account. If this was not you, contact ${brand} support now.`,
  },
  fr: {
    ADDED: (brand: string) =>
      `Une clé d'accès vient d'être ajoutée à votre compte ${brand}. Si ce n'est pas vous, supprimez-la et contactez sans attendre le support ${brand}.`,
    REMOVED: (brand: string) =>
      `Une clé d'accès vient d'être supprimée de votre compte ${brand}. Si ce n'est pas vous, contactez sans attendre le support ${brand}.`,
  },
} as const;

/**
 * A passkey added or removed: a new one signs in without the phone, so the owner hears of it there. It names no
 * credential: its id means nothing to the user and is not the SMS's to carry.
 */
export function passkeyText(language: Language, happened: 'ADDED' | 'REMOVED', options: MessageOptions): string {
  return passkeyTexts[language][happened](options.brand);
}
