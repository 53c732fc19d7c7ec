/** The registration part of a user's state: who the user is. Pure: no I/O, no clock. */
import type { IdentityEvent } from '@tessera/contracts';
import type { UserState } from './userState.ts';

export function evolveRegistration(state: UserState, event: IdentityEvent): UserState {
  if (event.type !== 'UserRegistered') return state;
  const { userId, clientId, email, phoneNumber, passwordHash, roles, locale } = event.data;
  return {
    ...state,
    registered: true,
    userId,
    clientId,
    email,
    phoneNumber,
    passwordHash,
    roles,
    ...(locale ? { locale } : {}),
  };
}
