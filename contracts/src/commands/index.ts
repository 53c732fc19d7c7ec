/**
 * Commands the gateway sends to identity (in-process, or over
 * `identity.commands.v1` keyed by user). No secret travels in clear, so a
 * command topic holds nothing worth stealing: passwords and codes are sealed to
 * identity's command key (`sealedSecrets`, see the crypto package's channel); refresh tokens and client secrets are
 * 256-bit random values that the gateway makes and hashes itself, so only their
 * hashes cross the bus and the plaintext goes nowhere but back to the caller.
 * Each feature's commands are in their own file beside this one; their replies in `commandReplies.ts`.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ActivateAccount, CreatePortfolio, OpenAccount, RecordKycVerdict, StartKyc } from './accountCommands.ts';
import { RegisterApiClient } from './apiClientCommands.ts';
import { CommandMetadata } from './commandSchema.ts';
import {
  RecordSmsOutcome,
  ResendOtp,
  StagePasswordChange,
  StartLogin,
  StartPasswordReset,
  VerifyOtp,
} from './credentialCommands.ts';
import { StartPhoneNumberChange } from './phoneNumberCommands.ts';
import { ErasePersonalData, RegisterUser } from './registrationCommands.ts';
import { Logout, RefreshSession, RevokeOtherSessions, RevokeRefreshToken, RevokeSession } from './sessionCommands.ts';
import { ListPasskeys, RegisterPasskey, RemovePasskey, StartPasskeyRegistration } from './passkeyCommands.ts';
import { GenerateRecoveryCodes } from './recoveryCodesCommands.ts';
import { ConsumeStepUp, StartStepUp } from './stepUpCommands.ts';

export * from './accountCommands.ts';
export * from './apiClientCommands.ts';
export * from './credentialCommands.ts';
export * from './phoneNumberCommands.ts';
export * from './registrationCommands.ts';
export * from './sessionCommands.ts';
export * from './stepUpCommands.ts';
export * from './recoveryCodesCommands.ts';
export * from './passkeyCommands.ts';
export type { ChallengeReply, CommandReplies, CommandResult, StepUpVerified } from './commandReplies.ts';

export const IdentityCommand = Type.Union([
  RegisterUser,
  StartLogin,
  VerifyOtp,
  ResendOtp,
  RefreshSession,
  StartPasswordReset,
  StagePasswordChange,
  RegisterApiClient,
  RecordSmsOutcome,
  Logout,
  RevokeRefreshToken,
  ErasePersonalData,
  OpenAccount,
  StartKyc,
  RecordKycVerdict,
  ActivateAccount,
  CreatePortfolio,
  StartStepUp,
  ConsumeStepUp,
  RevokeSession,
  RevokeOtherSessions,
  StartPhoneNumberChange,
  GenerateRecoveryCodes,
  StartPasskeyRegistration,
  RegisterPasskey,
  RemovePasskey,
  ListPasskeys,
]);
export type IdentityCommand = Static<typeof IdentityCommand>;
export type IdentityCommandType = IdentityCommand['type'];

/**
 * A command as it travels on `identity.commands.v1`: type and metadata in
 * clear for routing and logs, the payload sealed to identity's key together
 * with a fresh reply key; identity answers `{ sealedReply }` encrypted under
 * that key. Emails and phone numbers in payloads and replies are therefore
 * unreadable on the topic. Only `RecordSmsOutcome`, which holds no personal
 * data, may also travel as a plain command.
 */
export const SealedIdentityCommand = Type.Object({
  type: Type.String(),
  metadata: CommandMetadata,
  sealed: Type.String(),
});
export type SealedIdentityCommand = Static<typeof SealedIdentityCommand>;
export interface SealedCommandReply {
  sealedReply: string;
}
