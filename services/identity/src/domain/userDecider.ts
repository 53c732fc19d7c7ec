/**
 * The rules of a user's stream. One stream, decided along the domain's seams
 * by one decider each: registration and erasure, credentials and codes,
 * sessions, accounts, step-ups, phone number, recovery codes, passkeys. Each decider lists its commands in a table of rules;
 * this file joins the tables, and is the one place that answers for a user
 * who is not there. Pure: the clock, ids, random codes and hash comparisons
 * arrive inside the commands.
 */
import type { ErrorName } from '@tessera/contracts';
import { accountRules, type AccountCommand } from './accountsDecider.ts';
import { credentialRules, type CredentialCommand } from './credentialsDecider.ts';
import { accept, reject, type Decision } from './decision.ts';
import { passkeyRules, type PasskeyCommand } from './passkeysDecider.ts';
import { phoneNumberRules, type PhoneNumberCommand } from './phoneNumberDecider.ts';
import { recoveryCodeRules, type RecoveryCodesCommand } from './recoveryCodesDecider.ts';
import { registrationRules, type RegistrationCommand } from './registrationDecider.ts';
import { sessionRules, type SessionCommand } from './sessionsDecider.ts';
import { stepUpRules, type StepUpCommand } from './stepUpDecider.ts';
import type { UserState } from './userState.ts';

export type { IssuedOtp, SmsBudget } from './oneTimeCodes.ts';

export type UserCommand =
  | RegistrationCommand
  | CredentialCommand
  | SessionCommand
  | AccountCommand
  | StepUpCommand
  | PhoneNumberCommand
  | RecoveryCodesCommand
  | PasskeyCommand;

/** How the user decider takes one command. */
export interface UserCommandRule<C> {
  /** The decision for a registered user. */
  decide(command: C, state: UserState): Decision;
  /**
   * The answer when the stream holds no user (never registered, erased, or a
   * sign-up not finished): the answer a wrong secret or a stranger's id gets,
   * so it tells nobody who exists. `'decide'` for the command that makes the user.
   */
  withoutUser: ErrorName | 'decide';
  /** Set when, once the user is erased, the command has nothing left to do: it is accepted and records nothing. */
  doneOnceErased?: true;
}

/** A decider's table: a rule for each of its commands. */
export type UserCommandRules<C extends { type: string }> = {
  [K in C['type']]: UserCommandRule<Extract<C, { type: K }>>;
};

const rules: UserCommandRules<UserCommand> = {
  ...registrationRules,
  ...credentialRules,
  ...sessionRules,
  ...accountRules,
  ...stepUpRules,
  ...phoneNumberRules,
  ...recoveryCodeRules,
  ...passkeyRules,
};

export function decideUser(command: UserCommand, state: UserState): Decision {
  const rule = rules[command.type] as UserCommandRule<UserCommand>;
  return decisionWithoutUser(rule, state) ?? rule.decide(command, state);
}

/**
 * What a command answers on a stream that holds no user, before anything else
 * is looked at; undefined when the user is there. For a handler that must
 * refuse before asking a partner for anything.
 */
export function answerWithoutUser(type: UserCommand['type'], state: UserState): Decision | undefined {
  return decisionWithoutUser(rules[type], state);
}

function decisionWithoutUser(rule: UserCommandRule<never>, state: UserState): Decision | undefined {
  if (state.registered || rule.withoutUser === 'decide') return undefined;
  return state.erased && rule.doneOnceErased ? accept() : reject(rule.withoutUser);
}
