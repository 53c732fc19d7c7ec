/**
 * Step-up with dynamic linking: asking to confirm an action with the password
 * and an SMS code that states it (or a passkey whose challenge binds it), the
 * reply to that answer's verification, and a payment service consuming the
 * token once.
 */
import { randomUUID } from 'node:crypto';
import {
  canonicalStepUpTransaction,
  stepUpTransactionHash,
  stepUpTransactionViolation,
  type StepUpTransaction,
  type StepUpVerified,
} from '@tessera/contracts';
import type { Decision } from '../../domain/decision.ts';
import { stepUpOf, type UserState } from '../../domain/userState.ts';
import type { IssuedOtp } from '../../domain/oneTimeCodes.ts';
import type { CommandContext } from '../commandContext.ts';
import { issueOtp, stepUpSmsDetails } from '../otpFactory.ts';
import { passwordMatches } from '../passwordCheck.ts';
import { challengeReply, replyTo, type CommandHandler, type CommandHandlers } from './commandHandler.ts';
import { passkeyRequestOptions } from './passkeyHandlers.ts';

/** The password is opened and checked as at login: while login is locked no real hash is checked, yet one is made. */
const startStepUp: CommandHandler<'StartStepUp'> = async (command, context) => {
  const { payload } = command;
  const password = context.openSecret(payload.sealedSecrets, 'password');
  if (password === undefined) return { ok: false, error: 'VALIDATION_FAILED' };
  if (stepUpTransactionViolation(payload.action, payload.transaction)) return { ok: false, error: 'VALIDATION_FAILED' };
  const { config, clock } = context;
  const stepUpId = randomUUID();
  const outcome = await context.decideOnUser(command, payload.userId, async (state, isRealUser) => {
    const attemptedAt = clock().toISOString();
    return {
      type: 'StartStepUp',
      passwordMatches: await passwordMatches(context, state, isRealUser, password, attemptedAt),
      stepUpId,
      action: payload.action,
      ...linkedTransaction(payload.transaction),
      familyId: payload.familyId,
      clientId: command.metadata.clientId,
      otp: stepUpOtp(context, state, stepUpId, payload.action, payload.transaction),
      now: attemptedAt,
      smsBudget: config.smsBudget,
      loginLock: config.loginLock,
    };
  });
  // As at login: only after the right password (a refusal answers nothing more), only for this client's passkeys.
  const passkeys = outcome.decision.rejection
    ? {}
    : await passkeyRequestOptions(context, outcome.state, stepUpId, command.metadata.clientId);
  return replyTo(outcome, () => ({ ...challengeReply(config, stepUpId, outcome.state.phoneNumber), ...passkeys }));
};

function stepUpOtp(
  { keys, config, clock }: CommandContext,
  state: UserState,
  stepUpId: string,
  action: string,
  transaction: StepUpTransaction | undefined,
): IssuedOtp {
  const details = stepUpSmsDetails(action, transaction);
  return issueOtp(keys, config, stepUpId, state.phoneNumber, clock(), state.locale, details);
}

/** The transaction as the step-up keeps it: its hash (the token's `txn`) and its canonical JSON. */
function linkedTransaction(transaction: StepUpTransaction | undefined) {
  if (!statedTransaction(transaction)) return {};
  return { transactionHash: stepUpTransactionHash(transaction), transaction: canonicalStepUpTransaction(transaction) };
}

/** `{}` (an action without transaction fields) states no transaction: the token has no `txn`. */
function statedTransaction(transaction: StepUpTransaction | undefined): transaction is StepUpTransaction {
  return transaction !== undefined && Object.keys(transaction).length > 0;
}

/** A resent step-up code states the same action and transaction as the first. */
export function resentStepUpOtp(context: CommandContext, state: UserState, stepUpId: string): IssuedOtp | undefined {
  const stepUp = stepUpOf(state, stepUpId);
  if (!stepUp) return undefined;
  const transaction = stepUp.transaction ? (JSON.parse(stepUp.transaction) as StepUpTransaction) : undefined;
  return stepUpOtp(context, state, stepUpId, stepUp.action, transaction);
}

/** What the gateway signs into the step-up token, read from the completion the right code recorded. */
export function stepUpVerifiedReply(decision: Decision, state: UserState): StepUpVerified {
  const completed = decision.events.find((event) => event.type === 'StepUpCompleted');
  const stepUp = completed && stepUpOf(state, completed.data.stepUpId);
  if (completed?.type !== 'StepUpCompleted' || !stepUp)
    throw new Error('a step-up code was accepted without completion');
  const { userId, stepUpId, tokenId, authTime, expiresAt, challengeType = 'SMS_OTP' } = completed.data;
  const { action, transactionHash, clientId, familyId } = stepUp;
  return {
    purpose: 'STEP_UP',
    userId,
    stepUpId,
    action,
    ...(transactionHash ? { transactionHash } : {}),
    clientId,
    familyId,
    tokenId,
    authTime,
    expiresAt,
    challengeType,
  };
}

/** The transaction is hashed here as it was at the start, so any difference is another transaction. */
const consumeStepUp: CommandHandler<'ConsumeStepUp'> = async (command, context) => {
  const { userId, stepUpId, tokenId, action, transaction } = command.payload;
  if (stepUpTransactionViolation(action, transaction)) return { ok: false, error: 'VALIDATION_FAILED' };
  const outcome = await context.decideOnUser(command, userId, {
    type: 'ConsumeStepUp',
    tokenId,
    stepUpId,
    action,
    ...(statedTransaction(transaction) ? { transactionHash: stepUpTransactionHash(transaction) } : {}),
    clientId: command.metadata.clientId,
    now: context.clock().toISOString(),
  });
  return replyTo(outcome, () => ({ userId, stepUpId, tokenId, consumed: true as const }));
};

export const stepUpHandlers: CommandHandlers<'StartStepUp' | 'ConsumeStepUp'> = {
  StartStepUp: startStepUp,
  ConsumeStepUp: consumeStepUp,
};
