/**
 * The devices a user signs in from: how one is recognised, and when a sign-in
 * from a new one is told to the user. Pure: the clock and the sealed notice
 * arrive with the command.
 */
import type { Device, IdentityEvent } from '@tessera/contracts';
import type { UserState } from './userState.ts';

/** A new-device notice asked for by the handler: the SMS sealed to the notifier, and how many a day at most. */
export interface NewDeviceNotice {
  sealedNotice: string;
  /** Notices per user per 24 hours; 0 sends none. */
  perDay: number;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * What recognises a device: its id when the app gives one, else its name and
 * platform. A login that declares no device is "an undeclared device", one
 * more device of its own: the notice then comes once, on the first such login.
 */
export function deviceKey(device: Device | undefined): string {
  if (!device) return 'undeclared';
  return device.id !== undefined ? `id:${device.id}` : `named:${device.platform}:${device.name}`;
}

/** The device as events carry it: flat fields, the name and id encrypted as personal data. */
export function deviceFields(device: Device | undefined): {
  deviceName?: string;
  devicePlatform?: Device['platform'];
  deviceId?: string;
} {
  if (!device) return {};
  const { id, name, platform } = device;
  return { deviceName: name, devicePlatform: platform, ...(id !== undefined ? { deviceId: id } : {}) };
}

/** The device an event's flat fields describe, if any. */
export function deviceOf(data: {
  deviceName?: string;
  devicePlatform?: Device['platform'];
  deviceId?: string;
}): Device | undefined {
  const { deviceName: name, devicePlatform: platform, deviceId: id } = data;
  if (name === undefined || platform === undefined) return undefined;
  return id !== undefined ? { id, name, platform } : { name, platform };
}

/**
 * Whether a session starting on `device` now is told to the user: only when
 * the user signed in before (the first login follows the sign-up, on the phone
 * just proved), never from this device, and fewer than `perDay` notices went
 * out in the last 24 hours. The handler asks first, so it seals a notice only
 * when one is due.
 */
export function newDeviceNoticeDue(state: UserState, device: Device | undefined, perDay: number, now: string): boolean {
  if (perDay <= 0) return false;
  const earlier = Object.values(state.families);
  if (earlier.length === 0) return false;
  const key = deviceKey(device);
  if (earlier.some((family) => deviceKey(family.device) === key)) return false;
  const since = Date.parse(now) - DAY_MS;
  return state.newDeviceNoticesAt.filter((at) => Date.parse(at) > since).length < perDay;
}

/** The notice of a session starting on `device`, when one is due and the handler sealed it. */
export function newDeviceNoticed(
  state: UserState,
  familyId: string,
  device: Device | undefined,
  notice: NewDeviceNotice | undefined,
  now: string,
): IdentityEvent[] {
  if (!notice || !newDeviceNoticeDue(state, device, notice.perDay, now)) return [];
  const { userId } = state;
  const data = { userId, familyId, noticedAt: now, sealedNotice: notice.sealedNotice };
  return [{ type: 'NewDeviceSignInNoticed', data }];
}
