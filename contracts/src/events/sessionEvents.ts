/** Logins as refresh-token families: started (from a device), rotated, reused, revoked; a new device's notice. */
import { Type } from '@sinclair/typebox';
import { DevicePlatform } from '../devices.ts';
import { event, Id, Instant } from './eventSchema.ts';

/** The device a login declared, as events carry it: the name and the id are personal data (encrypted). */
const deviceFields = {
  /** Personal data, encrypted with the user's key. */
  deviceName: Type.Optional(Type.String()),
  devicePlatform: Type.Optional(DevicePlatform),
  /** Personal data, encrypted with the user's key: an id the app keeps for its install. */
  deviceId: Type.Optional(Type.String()),
};

export const sessionEvents = {
  SessionStarted: event(
    'SessionStarted',
    /** Version 3: the device the login declared, if any. */
    3,
    Type.Object({
      userId: Id,
      sessionId: Id,
      /** The refresh-token family: every rotation of one login. */
      familyId: Id,
      refreshTokenHash: Type.String(),
      expiresAt: Instant,
      /** Since version 2: the API client the login was made through; only it may refresh the session (RFC 6749 §6). */
      clientId: Type.Optional(Id),
      ...deviceFields,
    }),
  ),
  RefreshTokenRotated: event(
    'RefreshTokenRotated',
    1,
    Type.Object({
      userId: Id,
      familyId: Id,
      previousTokenHash: Type.String(),
      refreshTokenHash: Type.String(),
    }),
  ),
  RefreshTokenReuseDetected: event(
    'RefreshTokenReuseDetected',
    1,
    Type.Object({
      userId: Id,
      familyId: Id,
    }),
  ),
  SessionsRevoked: event(
    'SessionsRevoked',
    /**
     * Version 2: `reason` may be USER_REVOKED (the user ended the login from another one) or TOKEN_REVOKED (the client
     * revoked its refresh token, RFC 7009); version 3: PHONE_NUMBER_CHANGED (every login but the one that changed it).
     */
    3,
    Type.Object({
      userId: Id,
      familyIds: Type.Array(Id),
      reason: Type.Union([
        Type.Literal('REFRESH_TOKEN_REUSE'),
        Type.Literal('PASSWORD_CHANGED'),
        Type.Literal('LOGOUT'),
        Type.Literal('PERSONAL_DATA_ERASED'),
        /** The client revoked the login's refresh token (RFC 7009). */
        Type.Literal('TOKEN_REVOKED'),
        Type.Literal('USER_REVOKED'),
        Type.Literal('PHONE_NUMBER_CHANGED'),
      ]),
    }),
  ),
  /** Said on a login's challenge when the login declares its device; the session started by its code carries it on. */
  LoginDeviceDeclared: event(
    'LoginDeviceDeclared',
    1,
    Type.Object({
      userId: Id,
      /** The login challenge's session id. */
      sessionId: Id,
      deviceName: Type.String(),
      devicePlatform: DevicePlatform,
      deviceId: Type.Optional(Type.String()),
    }),
  ),
  /** A session started on a device this user never signed in from: the user is told by SMS. */
  NewDeviceSignInNoticed: event(
    'NewDeviceSignInNoticed',
    1,
    Type.Object({
      userId: Id,
      /** The new login (refresh-token family). */
      familyId: Id,
      noticedAt: Instant,
      /** `{to, locale, platform}` sealed to the notifier's key; personal data, encrypted with the user's key. */
      sealedNotice: Type.String(),
    }),
  ),
} as const;
