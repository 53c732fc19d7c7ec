/** The sessions part of a user's state: one refresh-token family per login. Pure: no I/O, no clock. */
import type { Device, IdentityEvent } from '@tessera/contracts';
import { deviceOf } from './devices.ts';
import type { UserState } from './userState.ts';

export interface RefreshTokenFamily {
  sessionId: string;
  currentTokenHash: string;
  /** Hashes already rotated away: presenting one again is reuse. */
  rotatedTokenHashes: string[];
  expiresAt: string;
  revoked: boolean;
  /** The API client the login was made through (absent for sessions older than the binding); only it may refresh. */
  clientId?: string;
  /** The device the login declared, if any. */
  device?: Device;
}

/** More than any daily bound on new-device notices a deployment would set. */
const MAX_REMEMBERED_NOTICES = 50;

export function evolveSessions(state: UserState, event: IdentityEvent): UserState {
  switch (event.type) {
    case 'SessionStarted': {
      const { familyId, sessionId, refreshTokenHash, expiresAt, clientId } = event.data;
      const device = deviceOf(event.data);
      const family: RefreshTokenFamily = {
        sessionId,
        currentTokenHash: refreshTokenHash,
        rotatedTokenHashes: [],
        expiresAt,
        revoked: false,
        ...(clientId ? { clientId } : {}),
        ...(device ? { device } : {}),
      };
      return { ...state, families: { ...state.families, [familyId]: family } };
    }
    case 'RefreshTokenRotated': {
      const family = familyOf(state, event.data.familyId);
      if (!family) return state;
      const rotated: RefreshTokenFamily = {
        ...family,
        currentTokenHash: event.data.refreshTokenHash,
        rotatedTokenHashes: [...family.rotatedTokenHashes, event.data.previousTokenHash],
      };
      return { ...state, families: { ...state.families, [event.data.familyId]: rotated } };
    }
    case 'SessionsRevoked': {
      const families = { ...state.families };
      for (const familyId of event.data.familyIds) {
        const family = familyOf(state, familyId);
        if (family) families[familyId] = { ...family, revoked: true };
      }
      return { ...state, families };
    }
    case 'NewDeviceSignInNoticed':
      return {
        ...state,
        newDeviceNoticesAt: [...state.newDeviceNoticesAt, event.data.noticedAt].slice(-MAX_REMEMBERED_NOTICES),
      };
    default:
      return state;
  }
}

/** The refresh-token family of a login, if any. Family ids arrive from callers, so only own keys count. */
export function familyOf(state: UserState, familyId: string): RefreshTokenFamily | undefined {
  return Object.hasOwn(state.families, familyId) ? state.families[familyId] : undefined;
}

/** The families still alive: the ones a password change or an erasure ends. */
export function liveFamilyIds(state: UserState): string[] {
  return Object.entries(state.families)
    .filter(([, family]) => !family.revoked)
    .map(([familyId]) => familyId);
}

/** The families the user still sees as sessions at `now`: neither ended nor past their lifetime. */
export function activeFamilyIds(state: UserState, now: string): string[] {
  return Object.entries(state.families)
    .filter(([, family]) => !family.revoked && now < family.expiresAt)
    .map(([familyId]) => familyId);
}
