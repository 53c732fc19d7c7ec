/**
 * The shape of a command handler: it turns a wire command into a domain
 * command (doing the I/O and cryptography a pure decider cannot), has it
 * decided on the right stream, and builds its reply from the outcome.
 */
import {
  maskPhoneNumber,
  type ChallengeReply,
  type CommandReplies,
  type CommandResult,
  type IdentityCommand,
  type IdentityCommandType,
} from '@tessera/contracts';
import type { Decision } from '../../domain/decision.ts';
import type { IdentityConfig } from '../identityConfig.ts';
import type { CommandContext } from '../commandContext.ts';

export type CommandOf<K extends IdentityCommandType> = Extract<IdentityCommand, { type: K }>;

export type CommandHandler<K extends IdentityCommandType> = (
  command: CommandOf<K>,
  context: CommandContext,
) => Promise<CommandResult<CommandReplies[K]>>;

/** A feature's handlers, by the command type each takes. */
export type CommandHandlers<K extends IdentityCommandType = IdentityCommandType> = { [T in K]: CommandHandler<T> };

/**
 * The reply to a decided command: its refusal, or `data` built from what the
 * decision made, with the position of the last event written if any.
 */
export function replyTo<D>(outcome: { decision: Decision; position?: number }, data: () => D): CommandResult<D> {
  const { rejection } = outcome.decision;
  if (rejection) return { ok: false, ...rejection };
  return outcome.position === undefined
    ? { ok: true, data: data() }
    : { ok: true, data: data(), position: outcome.position };
}

/** What a caller is told about a code sent (or held back) on a session. */
export function challengeReply(config: IdentityConfig, sessionId: string, phoneNumber: string): ChallengeReply {
  return {
    sessionId,
    challengeType: 'SMS_OTP',
    codeDeliveryDestination: maskPhoneNumber(phoneNumber),
    expiresIn: config.otpTtlSeconds,
  };
}
