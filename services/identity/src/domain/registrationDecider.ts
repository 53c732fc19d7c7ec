/** Registration and erasure: a user comes into being with a main account, and is erased on request. */
import type { IdentityEvent } from '@tessera/contracts';
import { accept, reject, type Decision } from './decision.ts';
import { liveFamilyIds } from './sessionsState.ts';
import type { UserCommandRules } from './userDecider.ts';
import type { UserState } from './userState.ts';

export type RegistrationCommand =
  | {
      type: 'RegisterUser';
      userId: string;
      accountId: string;
      email: string;
      phoneNumber: string;
      passwordHash: string;
      roles: string[];
      allowedRoles: readonly string[];
      clientId: string;
      locale?: string;
    }
  | { type: 'ErasePersonalData'; erasedAt: string };

export const registrationRules: UserCommandRules<RegistrationCommand> = {
  RegisterUser: { decide: register, withoutUser: 'decide' },
  // Erasing twice answers the same and records nothing more.
  ErasePersonalData: { decide: erase, withoutUser: 'USER_NOT_FOUND', doneOnceErased: true },
};

function register(command: Extract<RegistrationCommand, { type: 'RegisterUser' }>, state: UserState): Decision {
  if (state.registered) return reject('REGISTRATION_CONFLICT');
  if (command.roles.some((role) => !command.allowedRoles.includes(role))) return reject('ROLE_NOT_ALLOWED');
  const { userId, accountId, email, phoneNumber, passwordHash, roles, clientId, locale } = command;
  return accept(
    {
      type: 'UserRegistered',
      data: { userId, email, phoneNumber, passwordHash, roles, clientId, ...(locale ? { locale } : {}) },
    },
    { type: 'AccountOpened', data: { userId, accountId, kind: 'MAIN' } },
  );
}

/** Every live session ends, then the erasure is recorded. */
function erase(command: Extract<RegistrationCommand, { type: 'ErasePersonalData' }>, state: UserState): Decision {
  const { userId } = state;
  const events: IdentityEvent[] = [];
  const familyIds = liveFamilyIds(state);
  if (familyIds.length > 0)
    events.push({ type: 'SessionsRevoked', data: { userId, familyIds, reason: 'PERSONAL_DATA_ERASED' } });
  events.push({ type: 'PersonalDataErased', data: { userId, erasedAt: command.erasedAt } });
  return accept(...events);
}
