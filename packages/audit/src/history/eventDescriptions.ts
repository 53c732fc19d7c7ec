/**
 * What changed, in plain words, for each event of a user's stream, from the
 * data as the auditor may see it (personal fields opened or marked, secrets
 * never named). An event type this build does not know is described by its
 * visible fields.
 */
import { shownFields } from './personalFields.ts';

type Data = Record<string, unknown>;
type Describe = (data: Data) => string;

const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));
/** " on <device>" when the login declared one. */
const device = (data: Data) =>
  data.devicePlatform || data.deviceName
    ? ` on ${[data.deviceName, data.devicePlatform].filter(Boolean).map(text).join(', ')}`
    : '';
const purpose = (data: Data) => text(data.purpose).toLowerCase().replaceAll('_', ' ');
const when = (label: string, value: unknown) => (value ? `, ${label} ${text(value)}` : '');

const descriptions: Record<string, Describe> = {
  UserRegistered: (d) =>
    `signed up with email ${text(d.email)}, phone number ${text(d.phoneNumber)}, roles ${(d.roles as string[]).join(' ')}` +
    when('locale', d.locale),
  PersonalDataErased: (d) => `personal data erased (the user's key destroyed at ${text(d.erasedAt)})`,
  AccountOpened: (d) => `${text(d.kind)} account ${text(d.accountId)} opened`,
  LoginFailed: (d) => `wrong password (${text(d.consecutiveFailures)} in a row)`,
  LoginTemporarilyLocked: (d) =>
    `login locked until ${text(d.lockedUntil)} after ${text(d.consecutiveFailures)} wrong passwords`,
  OtpIssued: (d) => `${purpose(d)} code sent to ${text(d.destinationHint)}, valid until ${text(d.expiresAt)}`,
  OtpSendingSuppressed: (d) => `${purpose(d)} code held back: the phone's SMS budget was spent`,
  OtpVerificationFailed: (d) => `wrong code (${text(d.attemptsLeft)} attempts left)`,
  OtpVerified: (d) => `${purpose(d)} code verified`,
  PhoneNumberVerified: () => 'phone number verified',
  UserLockedOut: (d) => `locked out after ${text(d.consecutiveOtpFailures)} wrong codes: only a password reset unlocks`,
  PasswordResetStarted: () => 'password reset started',
  PasswordChangeStaged: () => 'new password given, waiting for the code',
  PasswordChanged: () => 'password changed',
  SessionStarted: (d) => `signed in${device(d)} (login ${text(d.familyId)}, until ${text(d.expiresAt)})`,
  RefreshTokenRotated: (d) => `session refreshed (login ${text(d.familyId)})`,
  RefreshTokenReuseDetected: (d) => `an old refresh token was used again: login ${text(d.familyId)} ended`,
  SessionsRevoked: (d) =>
    `${(d.familyIds as string[]).length} login(s) ended: ${text(d.reason).toLowerCase().replaceAll('_', ' ')}`,
  LoginDeviceDeclared: (d) => `login declared its device${device(d)}${d.deviceId ? ` (id ${text(d.deviceId)})` : ''}`,
  NewDeviceSignInNoticed: () => 'told by SMS of a sign-in from a new device',
  KycStarted: (d) =>
    `identity check ${text(d.identificationId)} started with ${text(d.provider)} (attempt ${text(d.attempt)})`,
  KycApproved: (d) => `identity check ${text(d.identificationId)} approved`,
  KycRejected: (d) => `identity check ${text(d.identificationId)} rejected${d.reason ? `: ${text(d.reason)}` : ''}`,
  AccountActivated: (d) =>
    `account ${text(d.accountId)} activated (${text(d.reason).toLowerCase().replaceAll('_', ' ')}` +
    `${d.activatedBy ? ` by ${text(d.activatedBy)}` : ''}${d.note ? `: ${text(d.note)}` : ''})`,
  PortfolioCreated: (d) =>
    `${text(d.portfolioAccountType).toLowerCase()} portfolio "${text(d.name)}" created on account ${text(d.accountId)}`,
  SmsDispatched: (d) => `${purpose(d)} SMS handed to ${text(d.provider)}`,
  SmsDispatchFailed: (d) => `${purpose(d)} SMS not sent (${text(d.reason).toLowerCase()})`,
  SmsDeliveryReported: (d) => `SMS ${text(d.status)}, as the provider reports it`,
  StepUpRequested: (d) =>
    `step-up asked for ${text(d.action)}${d.transaction ? ` on transaction ${text(d.transaction)}` : ''}`,
  StepUpCompleted: (d) => `step-up confirmed by code: token ${text(d.tokenId)} until ${text(d.expiresAt)}`,
  StepUpConsumed: (d) => `step-up token ${text(d.tokenId)} used by ${text(d.clientId)}`,
  StepUpRefused: (d) => `step-up for ${text(d.action)} refused until ${text(d.coolingOffUntil)}: phone number changed`,
  PhoneNumberChangeRequested: (d) => `phone number change to ${text(d.phoneNumber)} asked (proof: ${text(d.proof)})`,
  PhoneNumberChanged: (d) =>
    `phone number changed to ${text(d.phoneNumber)}` + when('money-out step-ups refused until', d.coolingOffUntil),
  RecoveryCodesGenerated: (d) =>
    `${(d.codeHashes as unknown[]).length} recovery codes generated (proof: ${text(d.authorisedBy)})`,
  RecoveryCodeUsed: (d) => `recovery code used (${text(d.codesLeft)} left)`,
  PasskeyRegistered: (d) => `passkey registered for ${text(d.clientId)}`,
  PasskeyUsed: () => 'passkey answered a challenge',
  PasskeyRemoved: () => 'passkey removed',
  PersonalDataDisclosedToAuditor: (d) => `personal data shown to auditor ${text(d.auditor)}`,
};

/** What the event changed, in words; `data` as {@link openPersonalFields} made it. */
export function describeEvent(type: string, data: Data): string {
  const describe = descriptions[type];
  if (describe) return describe(data);
  const fields = Object.entries(shownFields(data)).filter(([field]) => field !== 'userId');
  return `${type}${fields.length ? ` (${fields.map(([field, value]) => `${field} ${JSON.stringify(value)}`).join(', ')})` : ''}`;
}
