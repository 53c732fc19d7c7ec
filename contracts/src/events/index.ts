/**
 * Identity events: past-tense facts on one stream per user (`user-<userId>`),
 * per reserved email/phone, per API client, and the log's signed checkpoints (`audit-log`). The `type` string equals the
 * schema's name; `schemaVersion` changes when a payload changes shape.
 * No plaintext password, OTP code, token or client secret ever appears here.
 * Each feature's events are in their own file beside this one.
 */
import type { Static } from '@sinclair/typebox';
import { accountEvents } from './accountEvents.ts';
import { apiClientEvents } from './apiClientEvents.ts';
import { auditAccessEvents } from './auditAccessEvents.ts';
import { auditLogEvents } from './auditLogEvents.ts';
import { credentialEvents } from './credentialEvents.ts';
import { registrationEvents } from './registrationEvents.ts';
import { passkeyEvents } from './passkeyEvents.ts';
import { phoneNumberEvents } from './phoneNumberEvents.ts';
import { reservationEvents } from './reservationEvents.ts';
import { sessionEvents } from './sessionEvents.ts';
import { recoveryCodesEvents } from './recoveryCodesEvents.ts';
import { smsEvents } from './smsEvents.ts';
import { stepUpEvents } from './stepUpEvents.ts';

export { EventMetadata, type OtpPurposeName } from './eventSchema.ts';

type EveryFeaturesEvents = typeof registrationEvents &
  typeof credentialEvents &
  typeof sessionEvents &
  typeof accountEvents &
  typeof smsEvents &
  typeof reservationEvents &
  typeof apiClientEvents &
  typeof stepUpEvents &
  typeof phoneNumberEvents &
  typeof recoveryCodesEvents &
  typeof passkeyEvents &
  typeof auditLogEvents &
  typeof auditAccessEvents;

/**
 * Every event, in the order the generated documents list them: the order
 * events joined the contract. A new event goes at the end; the compiler
 * refuses a feature's event missing from this list.
 */
export const identityEvents = {
  UserRegistered: registrationEvents.UserRegistered,
  AccountOpened: accountEvents.AccountOpened,
  LoginFailed: credentialEvents.LoginFailed,
  LoginTemporarilyLocked: credentialEvents.LoginTemporarilyLocked,
  OtpIssued: credentialEvents.OtpIssued,
  OtpSendingSuppressed: credentialEvents.OtpSendingSuppressed,
  OtpVerificationFailed: credentialEvents.OtpVerificationFailed,
  OtpVerified: credentialEvents.OtpVerified,
  PhoneNumberVerified: credentialEvents.PhoneNumberVerified,
  SessionStarted: sessionEvents.SessionStarted,
  RefreshTokenRotated: sessionEvents.RefreshTokenRotated,
  RefreshTokenReuseDetected: sessionEvents.RefreshTokenReuseDetected,
  SessionsRevoked: sessionEvents.SessionsRevoked,
  UserLockedOut: credentialEvents.UserLockedOut,
  PersonalDataErased: registrationEvents.PersonalDataErased,
  KycStarted: accountEvents.KycStarted,
  KycApproved: accountEvents.KycApproved,
  KycRejected: accountEvents.KycRejected,
  AccountActivated: accountEvents.AccountActivated,
  PortfolioCreated: accountEvents.PortfolioCreated,
  PasswordResetStarted: credentialEvents.PasswordResetStarted,
  PasswordChangeStaged: credentialEvents.PasswordChangeStaged,
  PasswordChanged: credentialEvents.PasswordChanged,
  SmsDispatched: smsEvents.SmsDispatched,
  SmsDispatchFailed: smsEvents.SmsDispatchFailed,
  SmsDeliveryReported: smsEvents.SmsDeliveryReported,
  EmailReserved: reservationEvents.EmailReserved,
  EmailReservationReleased: reservationEvents.EmailReservationReleased,
  PhoneNumberReserved: reservationEvents.PhoneNumberReserved,
  PhoneNumberReservationReleased: reservationEvents.PhoneNumberReservationReleased,
  ApiClientRegistered: apiClientEvents.ApiClientRegistered,
  ApiClientSecretRotated: apiClientEvents.ApiClientSecretRotated,
  StepUpRequested: stepUpEvents.StepUpRequested,
  StepUpCompleted: stepUpEvents.StepUpCompleted,
  StepUpConsumed: stepUpEvents.StepUpConsumed,
  LoginDeviceDeclared: sessionEvents.LoginDeviceDeclared,
  NewDeviceSignInNoticed: sessionEvents.NewDeviceSignInNoticed,
  PhoneNumberChangeRequested: phoneNumberEvents.PhoneNumberChangeRequested,
  PhoneNumberChanged: phoneNumberEvents.PhoneNumberChanged,
  StepUpRefused: phoneNumberEvents.StepUpRefused,
  RecoveryCodesGenerated: recoveryCodesEvents.RecoveryCodesGenerated,
  RecoveryCodeUsed: recoveryCodesEvents.RecoveryCodeUsed,
  PasskeyRegistered: passkeyEvents.PasskeyRegistered,
  PasskeyUsed: passkeyEvents.PasskeyUsed,
  PasskeyRemoved: passkeyEvents.PasskeyRemoved,
  LogCheckpointSigned: auditLogEvents.LogCheckpointSigned,
  PersonalDataDisclosedToAuditor: auditAccessEvents.PersonalDataDisclosedToAuditor,
} as const satisfies EveryFeaturesEvents;

type Catalogue = typeof identityEvents;

/** Prefix of an encrypted personal-data field: `pd1.` then base64url(nonce ‖ ciphertext ‖ tag). */
export const PERSONAL_DATA_PREFIX = 'pd1.';

/**
 * Fields holding personal data. In the store, on topics and in exports they
 * are encrypted with the user's own key (XChaCha20-Poly1305, associated data
 * `<userId>|<field>`), kept outside the log; erasing the key
 * (`PersonalDataErased`) leaves the log whole and these fields unreadable.
 */
export const personalDataFields = {
  UserRegistered: ['email', 'phoneNumber', 'passwordHash'],
  PasswordChangeStaged: ['passwordHash'],
  OtpIssued: ['sealedDelivery', 'destinationHint'],
  PasswordChanged: ['sealedNotice'],
  StepUpRequested: ['transactionHash', 'transaction'],
  SessionStarted: ['deviceName', 'deviceId'],
  LoginDeviceDeclared: ['deviceName', 'deviceId'],
  NewDeviceSignInNoticed: ['sealedNotice'],
  PhoneNumberChangeRequested: ['phoneNumber'],
  PhoneNumberChanged: ['phoneNumber', 'sealedNotice'],
  RecoveryCodesGenerated: ['sealedNotice'],
  RecoveryCodeUsed: ['sealedNotice'],
  PasskeyRegistered: ['sealedNotice'],
  PasskeyRemoved: ['sealedNotice'],
} as const satisfies Partial<Record<keyof typeof identityEvents, readonly string[]>>;

export function personalDataFieldsOf(type: string): readonly string[] {
  return (personalDataFields as Record<string, readonly string[] | undefined>)[type] ?? [];
}
export type IdentityEventType = keyof Catalogue;

/** One identity event as deciders produce and evolve it. */
export type IdentityEvent = {
  [K in IdentityEventType]: { type: K; data: Static<Catalogue[K]['data']> };
}[IdentityEventType];

export type EventOf<K extends IdentityEventType> = Extract<IdentityEvent, { type: K }>;
export type EventData<K extends IdentityEventType> = EventOf<K>['data'];

export function schemaVersionOf(type: IdentityEventType): number {
  return identityEvents[type].schemaVersion;
}

export function isIdentityEventType(type: string): type is IdentityEventType {
  return Object.hasOwn(identityEvents, type);
}
