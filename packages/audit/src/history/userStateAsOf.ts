/**
 * The user's state as the system knew it at a time: identity's own fold of
 * the user's stream (the state its decisions were made on), over the events
 * that occurred up to then, summarised for an auditor. An erasure is shown as
 * such and keeps what is not personal (accounts, KYC), as the read models do.
 */
import type { IdentityEvent } from '@tessera/contracts';
import { activeFamilyIds, evolveUser, initialUserState, type UserState } from '@tessera/identity/userState';
import { ERASED } from './personalFields.ts';

/** One event of the user's stream, its personal fields opened or marked. */
export interface OpenedEvent {
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

export interface UserStateSummary {
  userId: string;
  asOf: string;
  /** NOT_REGISTERED, PENDING_KYC, ACTIVE or ERASED. */
  status: string;
  clientId: string;
  email: string;
  phoneNumber: string;
  phoneVerified: boolean;
  roles: string[];
  kyc: string;
  accounts: string[];
  /** Logins alive at that time: neither ended nor past their lifetime. */
  sessions: number;
  recoveryCodesLeft: number;
  passkeys: number;
  passwordChangedAt: string;
  loginLockedUntil: string;
  lockedOut: boolean;
  erasedAt: string;
}

function statusOf(state: UserState, erasedAt: string | undefined): string {
  if (erasedAt !== undefined) return 'ERASED';
  if (!state.registered) return 'NOT_REGISTERED';
  const main = Object.values(state.accounts).find((account) => account.kind === 'MAIN');
  return main?.status === 'ACTIVE' ? 'ACTIVE' : 'PENDING_KYC';
}

/** `events` in stream order; those that occurred after `asOf` are left out. */
export function userStateAsOf(userId: string, events: OpenedEvent[], asOf: Date): UserStateSummary {
  let state = initialUserState();
  let erasedAt: string | undefined;
  let passwordChangedAt: string | undefined;
  for (const event of events) {
    if (Date.parse(event.occurredAt) > asOf.getTime()) break;
    // identity's fold forgets everything at erasure; an auditor still asks what the accounts and KYC were.
    if (event.type === 'PersonalDataErased') erasedAt = String(event.data.erasedAt);
    // The log holds events of the contract; personal fields are strings still, opened or marked.
    else state = evolveUser(state, event as unknown as IdentityEvent);
    if (event.type === 'PasswordChanged') passwordChangedAt = event.occurredAt;
  }
  const at = asOf.toISOString();
  const personal = (value: string) => (erasedAt !== undefined ? ERASED : value);
  return {
    userId,
    asOf: at,
    status: statusOf(state, erasedAt),
    clientId: state.clientId,
    email: personal(state.email),
    phoneNumber: personal(state.phoneNumber),
    phoneVerified: state.phoneVerified,
    roles: state.roles,
    kyc: state.kyc.status,
    accounts: Object.entries(state.accounts).map(
      ([accountId, account]) => `${accountId} ${account.kind} ${account.status}`,
    ),
    sessions: activeFamilyIds(state, at).length,
    recoveryCodesLeft: state.recoveryCodeHashes.length,
    passkeys: state.passkeys.length,
    passwordChangedAt: passwordChangedAt ?? '',
    loginLockedUntil: state.loginLockedUntil !== undefined && state.loginLockedUntil > at ? state.loginLockedUntil : '',
    lockedOut: state.lockedOut,
    erasedAt: erasedAt ?? '',
  };
}
