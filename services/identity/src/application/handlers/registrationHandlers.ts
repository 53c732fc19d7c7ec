/** Sign-up and erasure. */
import { randomUUID } from 'node:crypto';
import { normaliseEmail } from '@tessera/contracts';
import { decideUser, type UserCommand } from '../../domain/userDecider.ts';
import { initialUserState } from '../../domain/userState.ts';
import { replyTo, type CommandHandler, type CommandHandlers } from './commandHandler.ts';

/**
 * The password is checked and hashed, the domain's rules asked (a role off the
 * allow-list), and only then the email and phone claimed: a refused sign-up
 * claims nothing. A lost race on the phone frees the email again.
 */
const registerUser: CommandHandler<'RegisterUser'> = async (command, context) => {
  const { payload } = command;
  const password = context.openSecret(payload.sealedSecrets, 'password');
  if (password === undefined) return { ok: false, error: 'VALIDATION_FAILED' };
  const violation = context.newPasswordViolation(password);
  if (violation) return { ok: false, error: violation };
  const { clientId } = command.metadata;
  const { phoneNumber } = payload;
  const email = normaliseEmail(payload.email);
  const userId = randomUUID();
  const accountId = randomUUID();
  const roles = payload.roles.length > 0 ? payload.roles : ['USER'];
  const registration: UserCommand = {
    type: 'RegisterUser',
    userId,
    accountId,
    email,
    phoneNumber,
    passwordHash: await context.passwordHasher.hash(password),
    roles,
    allowedRoles: context.config.allowedSignUpRoles,
    clientId,
    ...(payload.locale ? { locale: payload.locale } : {}),
  };
  const refused = decideUser(registration, initialUserState()).rejection;
  if (refused) return { ok: false, ...refused };
  const metadata = context.metadataOf(command);
  if (!(await context.reservations.reserve('email', clientId, email, userId, metadata)))
    return { ok: false, error: 'REGISTRATION_CONFLICT' };
  if (!(await context.reservations.reserve('phone', clientId, phoneNumber, userId, metadata))) {
    await context.reservations.release('email', clientId, email, userId, metadata);
    return { ok: false, error: 'REGISTRATION_CONFLICT' };
  }
  const outcome = await context.decideOnUser(command, userId, registration);
  return replyTo(outcome, () => ({ userId, email, phoneNumber, accountId, roles }));
};

/**
 * Erasure, in an order that survives a crash at any step and a retry: decide
 * first, then free the email and phone (which needs them readable), destroy
 * the key, and record the fact. A retry after the key is gone finds nothing
 * to free and goes on to record it; one after the record answers as the first did.
 */
const erasePersonalData: CommandHandler<'ErasePersonalData'> = async (command, context) => {
  const { userId } = command.payload;
  const erasedAt = context.clock().toISOString();
  const erasure: UserCommand = { type: 'ErasePersonalData', erasedAt };
  const user = await context.loadUser(userId);
  const decision = decideUser(erasure, user);
  if (decision.rejection) return { ok: false, ...decision.rejection };
  if (decision.events.length === 0) return { ok: true, data: { userId, erasedAt: user.erasedAt ?? erasedAt } };
  const metadata = context.metadataOf(command);
  const { reservations } = context;
  if (user.email) await reservations.release('email', user.clientId, user.email, userId, metadata);
  if (user.phoneNumber) await reservations.release('phone', user.clientId, user.phoneNumber, userId, metadata);
  await context.personalData.erase(userId, erasedAt);
  const outcome = await context.decideOnUser(command, userId, erasure);
  return replyTo(outcome, () => ({ userId, erasedAt: outcome.state.erasedAt ?? erasedAt }));
};

export const registrationHandlers: CommandHandlers<'RegisterUser' | 'ErasePersonalData'> = {
  RegisterUser: registerUser,
  ErasePersonalData: erasePersonalData,
};
