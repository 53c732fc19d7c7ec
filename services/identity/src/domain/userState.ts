/**
 * A user's state as its stream's events build it: one state, evolved by one
 * part per seam of the domain (registration, credentials, sessions,
 * accounts, step-ups, phone number, recovery codes, passkeys), each in its own file. Pure: no I/O, no clock.
 */
import type { IdentityEvent } from '@tessera/contracts';
import { evolveAccounts, type AccountState, type KycState } from './accountsState.ts';
import { evolveCredentials, type OtpChallenge } from './credentialsState.ts';
import { evolvePasskeys, type StoredPasskey } from './passkeysState.ts';
import { evolvePhoneNumber, type PendingPhoneNumberChange } from './phoneNumberState.ts';
import { evolveRecoveryCodes } from './recoveryCodesState.ts';
import { evolveRegistration } from './registrationState.ts';
import { evolveSessions, type RefreshTokenFamily } from './sessionsState.ts';
import { evolveStepUps, type StepUp } from './stepUpState.ts';

export { accountOf, identificationOf, type AccountState, type KycState } from './accountsState.ts';
export { challengeOf, loginFailuresOf, smsOutcomeKey, type OtpChallenge } from './credentialsState.ts';
export { activeFamilyIds, familyOf, type RefreshTokenFamily } from './sessionsState.ts';
export { stepUpOf, type StepUp } from './stepUpState.ts';

export interface UserState {
  registered: boolean;
  /** Personal data erased: the user is gone for every purpose but the audit trail. */
  erased: boolean;
  erasedAt?: string;
  userId: string;
  /** The API client that signed the user up: the user exists for that client only (ADR 18). */
  clientId: string;
  email: string;
  phoneNumber: string;
  passwordHash: string;
  roles: string[];
  phoneVerified: boolean;
  /** Language of the user's SMS, if chosen at sign-up. */
  locale?: string;
  /** `<type>:<sourceEventId>` of SMS outcomes already recorded, so a repeat records nothing. */
  smsOutcomes: string[];
  /** Wrong passwords in a row; the right password (a new login session) or a committed password change clears it. */
  consecutiveLoginFailures: number;
  /** Login refuses every password until then (growing delays, see loginLock.ts). */
  loginLockedUntil?: string;
  /** Wrong codes in a row on this account, across challenges; a right code or a password change clears it. */
  consecutiveOtpFailures: number;
  /** Locked by too many wrong codes: login stops at the password until a password reset. */
  lockedOut: boolean;
  /** When the latest codes were issued to this user's phone (newest last; enough for the daily budget). */
  otpIssuedAt: string[];
  challenges: Record<string, OtpChallenge>;
  /** The user's accounts: MAIN from sign-up, SUB on request; ACTIVE once validated. */
  accounts: Record<string, AccountState>;
  kyc: KycState;
  families: Record<string, RefreshTokenFamily>;
  /** When the latest new-device notices were sent (newest last; enough for their daily bound). */
  newDeviceNoticesAt: string[];
  /** The latest step-ups, oldest first (stepUpState.ts). */
  stepUps: StepUp[];
  /** Phone number changes waiting for the new number's code (phoneNumberState.ts). */
  pendingPhoneNumberChanges: PendingPhoneNumberChange[];
  /** Set by a phone number change: until then step-ups that move money out are refused. */
  coolingOffUntil?: string;
  /** Keyed hashes of the recovery codes not used yet, of the latest set only. */
  recoveryCodeHashes: string[];
  /** Registered passkeys, oldest first (passkeysState.ts). */
  passkeys: StoredPasskey[];
}

export function initialUserState(): UserState {
  return {
    registered: false,
    erased: false,
    userId: '',
    clientId: '',
    email: '',
    phoneNumber: '',
    passwordHash: '',
    roles: [],
    phoneVerified: false,
    smsOutcomes: [],
    consecutiveLoginFailures: 0,
    consecutiveOtpFailures: 0,
    lockedOut: false,
    otpIssuedAt: [],
    challenges: {},
    accounts: {},
    kyc: { status: 'NOT_STARTED', attempts: 0, identifications: {} },
    families: {},
    newDeviceNoticesAt: [],
    stepUps: [],
    pendingPhoneNumberChanges: [],
    recoveryCodeHashes: [],
    passkeys: [],
  };
}

/** Each part changes what its own events say and leaves every other event alone. */
const parts = [
  evolveRegistration,
  evolveCredentials,
  evolveSessions,
  evolveAccounts,
  evolveStepUps,
  evolvePhoneNumber,
  evolveRecoveryCodes,
  evolvePasskeys,
];

export function evolveUser(state: UserState, event: IdentityEvent): UserState {
  // Erasure is no one part's: nothing personal is kept, and no command finds a user here any more.
  if (event.type === 'PersonalDataErased')
    return { ...initialUserState(), userId: state.userId, erased: true, erasedAt: event.data.erasedAt };
  let evolved = state;
  for (const evolvePart of parts) evolved = evolvePart(evolved, event);
  return evolved;
}
