/** Login with a password then a code, resending a code, a password reset, and the notifier's SMS reports. */
import { randomUUID } from 'node:crypto';
import { timeOrderedUuid } from '@tessera/crypto';
import { newDeviceNoticeDue } from '../../domain/devices.ts';
import { pendingPhoneNumberChangeOf } from '../../domain/phoneNumberState.ts';
import { isUnusedRecoveryCode } from '../../domain/recoveryCodesState.ts';
import { challengeOf, type UserState } from '../../domain/userState.ts';
import type { CommandContext } from '../commandContext.ts';
import { passwordMatches } from '../passwordCheck.ts';
import { issueOtp, otpCodeHash, sealNewSignInNotice, sealPasswordChangedNotice } from '../otpFactory.ts';
import { recoveryCodeHash, sealRecoveryCodesNotice } from '../recoveryCodeFactory.ts';
import { challengeReply, replyTo, type CommandHandler, type CommandHandlers } from './commandHandler.ts';
import { passkeyPresented, passkeyRequestOptions } from './passkeyHandlers.ts';
import { phoneNumberChangeFields, releaseOldPhoneNumber } from './phoneNumberHandlers.ts';
import { resentStepUpOtp, stepUpVerifiedReply } from './stepUpHandlers.ts';

const startLogin: CommandHandler<'StartLogin'> = async (command, context) => {
  const password = context.openSecret(command.payload.sealedSecrets, 'password');
  if (password === undefined) return { ok: false, error: 'VALIDATION_FAILED' };
  const { keys, config, clock } = context;
  const sessionId = randomUUID();
  const outcome = await context.decideOnEmail(command, command.payload.email, async (state, isRealUser) => {
    const attemptedAt = clock().toISOString();
    return {
      type: 'StartLogin',
      passwordMatches: await passwordMatches(context, state, isRealUser, password, attemptedAt),
      sessionId,
      otp: issueOtp(keys, config, sessionId, state.phoneNumber, clock(), state.locale),
      now: attemptedAt,
      smsBudget: config.smsBudget,
      loginLock: config.loginLock,
      ...(command.payload.device ? { device: command.payload.device } : {}),
    };
  });
  // Only after the right password (a refusal answers nothing more), and only for this client's passkeys.
  const clientId = command.metadata.clientId;
  const passkeys = outcome.decision.rejection
    ? {}
    : await passkeyRequestOptions(context, outcome.state, sessionId, clientId);
  return replyTo(outcome, () => ({ ...challengeReply(config, sessionId, outcome.state.phoneNumber), ...passkeys }));
};

/** A login's right code answers the new session; a reset's, that the password changed; a step-up's, its claims. */
const verifyOtp: CommandHandler<'VerifyOtp'> = async (command, context) => {
  const { payload } = command;
  const { challengeType } = payload;
  // A passkey's answer is its assertion, not a sealed code.
  const code = challengeType === 'PASSKEY' ? '' : context.openSecret(payload.sealedSecrets, 'code');
  if (code === undefined) return { ok: false, error: 'VALIDATION_FAILED' };
  const { config, clock } = context;
  // Time-ordered, like event ids: every login adds a session document, at the end of its index.
  const familyId = timeOrderedUuid();
  const now = clock();
  const refreshExpiresAt = new Date(now.getTime() + config.refreshTokenTtlSeconds * 1000).toISOString();
  const stepUpExpiresAt = new Date(now.getTime() + config.stepUpTokenTtlSeconds * 1000).toISOString();
  const { clientId } = command.metadata;
  let before: UserState | undefined;
  const outcome = await context.decideOnEmail(command, payload.email, async (state) => {
    before = state;
    return phoneNumberChangeFields(context, command, state, {
      type: 'VerifyOtp',
      sessionId: payload.sessionId,
      ...(challengeType === 'PASSKEY'
        ? await passkeyPresented(context, state, payload.sessionId, clientId, payload.passkeyResponse)
        : presented(context, state, payload.sessionId, challengeType, code)),
      familyId,
      newRefreshTokenHash: payload.newRefreshTokenHash,
      refreshExpiresAt,
      now: now.toISOString(),
      accountLockThreshold: config.otpAccountLockThreshold,
      clientId,
      stepUpTokenId: randomUUID(),
      stepUpExpiresAt,
      ...noticesOf(context, state, payload.sessionId, now.toISOString()),
    });
  });
  const user = outcome.state;
  if (!outcome.decision.rejection) await releaseOldPhoneNumber(context, command, before, user);
  return replyTo(outcome, () => {
    const purpose = challengeOf(user, payload.sessionId)?.purpose;
    if (purpose === 'PHONE_NUMBER_CHANGE') return { purpose, userId: user.userId, phoneNumber: user.phoneNumber };
    if (purpose === 'STEP_UP') return stepUpVerifiedReply(outcome.decision, user);
    if (purpose === 'PASSWORD_RESET')
      return { purpose: 'PASSWORD_RESET' as const, userId: user.userId, passwordChanged: true as const };
    const { userId, roles } = user;
    return { purpose: 'LOGIN' as const, userId, sessionId: payload.sessionId, familyId, roles, refreshExpiresAt };
  });
};

/**
 * The keyed hash of the code presented: an SMS code's bound to its session, a recovery code's to its user. A recovery
 * code that is one of the user's brings the sealed "recovery code used" notice (sealing costs a key agreement: only
 * for a code the decider may accept).
 */
function presented(
  { keys }: CommandContext,
  state: UserState,
  sessionId: string,
  challengeType: 'SMS_OTP' | 'RECOVERY_CODE',
  code: string,
) {
  if (challengeType === 'SMS_OTP') return { challengeType, presentedCodeHash: otpCodeHash(keys, sessionId, code) };
  const presentedCodeHash = recoveryCodeHash(keys, state.userId, code);
  if (!isUnusedRecoveryCode(state, presentedCodeHash)) return { challengeType, presentedCodeHash };
  const recoveryCodeUsedNotice = sealRecoveryCodesNotice(keys, state.phoneNumber, state.locale);
  return { challengeType, presentedCodeHash, recoveryCodeUsedNotice };
}

/** The SMS a right code may send: a reset's "password changed", a login's "new sign-in" (the decider says whether). */
function noticesOf(context: CommandContext, state: UserState, sessionId: string, now: string) {
  const { keys, config } = context;
  const challenge = challengeOf(state, sessionId);
  if (challenge?.purpose === 'PASSWORD_RESET')
    return { passwordChangedNotice: sealPasswordChangedNotice(keys, state.phoneNumber, state.locale) };
  // Sealing costs a key agreement: only for a notice the decider will find due.
  const perDay = config.newDeviceNoticesPerDay;
  if (challenge?.purpose !== 'LOGIN' || !newDeviceNoticeDue(state, challenge.device, perDay, now)) return {};
  const sealedNotice = sealNewSignInNotice(keys, state.phoneNumber, state.locale, challenge.device?.platform);
  return { newDeviceNotice: { sealedNotice, perDay } };
}

const resendOtp: CommandHandler<'ResendOtp'> = async (command, context) => {
  const { sessionId } = command.payload;
  const { keys, config, clock } = context;
  const outcome = await context.decideOnEmail(command, command.payload.email, (state) => ({
    type: 'ResendOtp',
    sessionId,
    otp:
      (challengeOf(state, sessionId)?.purpose === 'STEP_UP' && resentStepUpOtp(context, state, sessionId)) ||
      issueOtp(keys, config, sessionId, codeDestination(state, sessionId), clock(), state.locale),
    cooldownSeconds: config.otpResendCooldownSeconds,
    now: clock().toISOString(),
    smsBudget: config.smsBudget,
  }));
  return replyTo(outcome, () => challengeReply(config, sessionId, codeDestination(outcome.state, sessionId)));
};

/** Where a session's codes go: the new number for a phone number change, else the user's phone. */
function codeDestination(state: UserState, sessionId: string): string {
  return pendingPhoneNumberChangeOf(state, sessionId)?.phoneNumber ?? state.phoneNumber;
}

const startPasswordReset: CommandHandler<'StartPasswordReset'> = async (command, context) => {
  const { keys, config, clock } = context;
  const sessionId = randomUUID();
  const outcome = await context.decideOnEmail(command, command.payload.email, (state) => ({
    type: 'StartPasswordReset',
    sessionId,
    otp: issueOtp(keys, config, sessionId, state.phoneNumber, clock(), state.locale),
    now: clock().toISOString(),
    smsBudget: config.smsBudget,
  }));
  return replyTo(outcome, () => challengeReply(config, sessionId, outcome.state.phoneNumber));
};

/** The new password is checked and hashed before the user is looked up, as at sign-up. */
const stagePasswordChange: CommandHandler<'StagePasswordChange'> = async (command, context) => {
  const { payload } = command;
  const password = context.openSecret(payload.sealedSecrets, 'password');
  if (password === undefined) return { ok: false, error: 'VALIDATION_FAILED' };
  const violation = context.newPasswordViolation(password);
  if (violation) return { ok: false, error: violation };
  const passwordHash = await context.passwordHasher.hash(password);
  const outcome = await context.decideOnEmail(command, payload.email, {
    type: 'StagePasswordChange',
    sessionId: payload.sessionId,
    passwordHash,
    now: context.clock().toISOString(),
  });
  return replyTo(outcome, () => ({
    sessionId: payload.sessionId,
    challengeType: 'SMS_OTP' as const,
    passwordStaged: true as const,
  }));
};

const recordSmsOutcome: CommandHandler<'RecordSmsOutcome'> = async (command, context) => {
  const { userId, outcome: smsOutcome } = command.payload;
  const outcome = await context.decideOnUser(command, userId, { type: 'RecordSmsOutcome', outcome: smsOutcome });
  return replyTo(outcome, () => ({ recorded: outcome.decision.events.length > 0 }));
};

export const credentialHandlers: CommandHandlers<
  'StartLogin' | 'VerifyOtp' | 'ResendOtp' | 'StartPasswordReset' | 'StagePasswordChange' | 'RecordSmsOutcome'
> = {
  StartLogin: startLogin,
  VerifyOtp: verifyOtp,
  ResendOtp: resendOtp,
  StartPasswordReset: startPasswordReset,
  StagePasswordChange: stagePasswordChange,
  RecordSmsOutcome: recordSmsOutcome,
};
