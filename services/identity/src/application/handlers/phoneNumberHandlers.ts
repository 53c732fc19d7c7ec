/**
 * Changing the phone number: the request (the password or a step-up token,
 * then a code to the new number), and what the new number's right code needs
 * at `VerifyOtp`: the new number reserved, the notice to the old one sealed.
 */
import { randomUUID } from 'node:crypto';
import { stepUpTransactionHash, type VerifyOtp } from '@tessera/contracts';
import type { PhoneNumberChangeProof } from '../../domain/phoneNumberDecider.ts';
import { pendingPhoneNumberChangeOf } from '../../domain/phoneNumberState.ts';
import { decideUser, type UserCommand } from '../../domain/userDecider.ts';
import { challengeOf, type UserState } from '../../domain/userState.ts';
import type { CommandContext } from '../commandContext.ts';
import { issueOtp, sealPhoneNumberChangedNotice } from '../otpFactory.ts';
import { challengeReply, replyTo, type CommandHandler, type CommandHandlers } from './commandHandler.ts';
import { passwordMatches } from '../passwordCheck.ts';

/**
 * Exactly one proof. The password is opened and checked as at login (one hash
 * whatever happens); a step-up token was verified by the gateway and is
 * consumed by the decision, bound to the new number as its destination.
 */
const startPhoneNumberChange: CommandHandler<'StartPhoneNumberChange'> = async (command, context) => {
  const { payload } = command;
  const { phoneNumber } = payload;
  const password =
    payload.sealedSecrets === undefined ? undefined : context.openSecret(payload.sealedSecrets, 'password');
  if ((password === undefined) === (payload.stepUp === undefined)) return { ok: false, error: 'VALIDATION_FAILED' };
  const { config, clock, keys } = context;
  const sessionId = randomUUID();
  const outcome = await context.decideOnUser(command, payload.userId, async (state, isRealUser) => {
    const now = clock().toISOString();
    const holder = await context.reservations.holder('phone', state.clientId, phoneNumber);
    const proof: PhoneNumberChangeProof =
      password === undefined
        ? {
            type: 'STEP_UP',
            stepUpId: payload.stepUp?.stepUpId ?? '',
            tokenId: payload.stepUp?.tokenId ?? '',
            transactionHash: stepUpTransactionHash({ destination: phoneNumber }),
          }
        : {
            type: 'PASSWORD',
            passwordMatches: await passwordMatches(context, state, isRealUser, password, now),
            loginLock: config.loginLock,
          };
    return {
      type: 'StartPhoneNumberChange',
      sessionId,
      phoneNumber,
      familyId: payload.familyId,
      clientId: command.metadata.clientId,
      proof,
      numberTaken: holder !== undefined && holder !== state.userId,
      otp: issueOtp(keys, config, sessionId, phoneNumber, clock(), state.locale),
      now,
      smsBudget: config.smsBudget,
    };
  });
  return replyTo(outcome, () => challengeReply(config, sessionId, phoneNumber));
};

export const phoneNumberHandlers: CommandHandlers<'StartPhoneNumberChange'> = {
  StartPhoneNumberChange: startPhoneNumberChange,
};

type VerifyOtpCommand = Extract<UserCommand, { type: 'VerifyOtp' }>;

/**
 * On a phone number change's challenge, the fields its right code needs. The
 * new number is reserved only when the decision would commit (the code right,
 * the challenge open): a wrong code claims nothing, and a number another user
 * took meanwhile is refused. Reserving again for the same user changes nothing,
 * so a retried decision finds its own claim.
 */
export async function phoneNumberChangeFields(
  context: CommandContext,
  command: VerifyOtp,
  state: UserState,
  verify: VerifyOtpCommand,
): Promise<VerifyOtpCommand> {
  const pending = pendingPhoneNumberChangeOf(state, verify.sessionId);
  if (challengeOf(state, verify.sessionId)?.purpose !== 'PHONE_NUMBER_CHANGE' || !pending) return verify;
  const { keys, config } = context;
  const commit: VerifyOtpCommand = {
    ...verify,
    newNumberReserved: true,
    coolingOffSeconds: config.phoneChangeCoolingOffSeconds,
    phoneNumberChangedNotice: sealPhoneNumberChangedNotice(keys, state.phoneNumber, pending.phoneNumber, state.locale),
  };
  const wouldCommit = decideUser(commit, state).events.some((event) => event.type === 'PhoneNumberChanged');
  if (!wouldCommit) return commit;
  const metadata = context.metadataOf(command);
  const reserved = await context.reservations.reserve(
    'phone',
    state.clientId,
    pending.phoneNumber,
    state.userId,
    metadata,
  );
  return { ...commit, newNumberReserved: reserved };
}

/** After the commit: the number given up is free for anyone again. */
export async function releaseOldPhoneNumber(
  context: CommandContext,
  command: VerifyOtp,
  before: UserState | undefined,
  after: UserState,
): Promise<void> {
  if (!before || before.phoneNumber === after.phoneNumber || !before.phoneNumber) return;
  const metadata = context.metadataOf(command);
  await context.reservations.release('phone', before.clientId, before.phoneNumber, before.userId, metadata);
}
