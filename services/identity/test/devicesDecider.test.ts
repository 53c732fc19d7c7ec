/** Devices: a login's device goes with its session, and a session on a device new to the user is told by SMS, within a bound. */
import t from 'tap';
import type { Device, IdentityEvent } from '@tessera/contracts';
import {
  clientId,
  loginCommand,
  otpIssued,
  registered,
  secondsAfter,
  sessionStarted,
  userId,
  userSpecification as user,
  verifyCommand,
} from './mothers.ts';

const iPhone: Device = { id: 'install-1', name: "Ada's iPhone", platform: 'IOS' };
const laptop: Device = { name: 'Work laptop', platform: 'WEB' };
const notice = { sealedNotice: 'sealed-notice', perDay: 3 };

function declared(sessionId: string, device: Device): IdentityEvent {
  const { id, name: deviceName, platform: devicePlatform } = device;
  return {
    type: 'LoginDeviceDeclared',
    data: { userId, sessionId, deviceName, devicePlatform, ...(id ? { deviceId: id } : {}) },
  };
}

/** An earlier login, made from `device` (or from an undeclared one). */
function startedOn(familyId: string, device?: Device): IdentityEvent {
  const started = sessionStarted(familyId, `token-${familyId}`);
  if (started.type !== 'SessionStarted' || !device) return started;
  const { id, name: deviceName, platform: devicePlatform } = device;
  return { ...started, data: { ...started.data, deviceName, devicePlatform, ...(id ? { deviceId: id } : {}) } };
}

function noticed(familyId: string, noticedAt: string): IdentityEvent {
  return { type: 'NewDeviceSignInNoticed', data: { userId, familyId, noticedAt, sealedNotice: 'sealed-notice' } };
}

const verifiedAt = secondsAfter(10);
const verify = (sessionId = 's1', at = verifiedAt) => ({
  ...verifyCommand(sessionId, undefined, at),
  newDeviceNotice: notice,
});
const typesOf = (events: IdentityEvent[]) => events.map((event) => event.type);

t.test('a login that declares its device says so on its challenge', async (t) => {
  user(t)
    .given([registered()])
    .when({ ...loginCommand(true), device: iPhone })
    .then([
      otpIssued('s1'),
      {
        type: 'LoginDeviceDeclared',
        data: { userId, sessionId: 's1', deviceName: "Ada's iPhone", devicePlatform: 'IOS', deviceId: 'install-1' },
      },
    ]);
});

t.test('a wrong password declares no device', async (t) => {
  const { decision } = user(t)
    .given([registered()])
    .when({ ...loginCommand(false), device: iPhone });
  t.same(typesOf(decision.events), ['LoginFailed']);
});

t.test('the session the code starts carries the device the login declared', async (t) => {
  const { decision } = user(t)
    .given([registered(), startedOn('f0', iPhone), otpIssued('s1'), declared('s1', iPhone)])
    .when(verify());
  const started = decision.events.find((event) => event.type === 'SessionStarted');
  t.same(started?.data, {
    userId,
    sessionId: 's1',
    familyId: 'family-new',
    refreshTokenHash: 'refresh-new',
    expiresAt: secondsAfter(86400, verifiedAt),
    clientId,
    deviceName: "Ada's iPhone",
    devicePlatform: 'IOS',
    deviceId: 'install-1',
  });
});

t.test('a resent code keeps the device of its login', async (t) => {
  const { decision } = user(t)
    .given([
      registered(),
      startedOn('f0', iPhone),
      otpIssued('s1'),
      declared('s1', iPhone),
      otpIssued('s1', 'LOGIN', { issuedAt: secondsAfter(40) }),
    ])
    .when(verify('s1', secondsAfter(50)));
  t.same(
    typesOf(decision.events),
    ['OtpVerified', 'PhoneNumberVerified', 'SessionStarted'],
    'no notice: the device is known',
  );
});

t.test('new-device notices', async (t) => {
  t.test('a session on a device the user never signed in from is told', async (t) => {
    const { decision } = user(t)
      .given([registered(), startedOn('f0', iPhone), otpIssued('s1'), declared('s1', laptop)])
      .when(verify());
    t.same(decision.events.at(-1), noticed('family-new', verifiedAt));
  });
  t.test('the first session of a user is not told: it follows the sign-up on the phone just proved', async (t) => {
    const { decision } = user(t)
      .given([registered(), otpIssued('s1'), declared('s1', laptop)])
      .when(verify());
    t.notOk(typesOf(decision.events).includes('NewDeviceSignInNoticed'));
  });
  t.test('a device is recognised by its id, whatever its name now', async (t) => {
    const renamed: Device = { ...iPhone, name: 'Phone' };
    const { decision } = user(t)
      .given([registered(), startedOn('f0', iPhone), otpIssued('s1'), declared('s1', renamed)])
      .when(verify());
    t.notOk(typesOf(decision.events).includes('NewDeviceSignInNoticed'));
  });
  t.test('without an id, a device is recognised by its name and platform', async (t) => {
    const same = user(t)
      .given([registered(), startedOn('f0', laptop), otpIssued('s1'), declared('s1', { ...laptop })])
      .when(verify());
    t.notOk(typesOf(same.decision.events).includes('NewDeviceSignInNoticed'), 'same name and platform: known');
    const otherPlatform = user(t)
      .given([
        registered(),
        startedOn('f0', laptop),
        otpIssued('s1'),
        declared('s1', { ...laptop, platform: 'WINDOWS' }),
      ])
      .when(verify());
    t.ok(typesOf(otherPlatform.decision.events).includes('NewDeviceSignInNoticed'), 'another platform: new');
  });
  t.test('a device seen on a login since ended is still known', async (t) => {
    const { decision } = user(t)
      .given([
        registered(),
        startedOn('f0', iPhone),
        { type: 'SessionsRevoked', data: { userId, familyIds: ['f0'], reason: 'USER_REVOKED' } },
        otpIssued('s1'),
        declared('s1', iPhone),
      ])
      .when(verify());
    t.notOk(typesOf(decision.events).includes('NewDeviceSignInNoticed'));
  });
  t.test('logins that declare no device count as one device: told the first time only', async (t) => {
    const first = user(t)
      .given([registered(), startedOn('f0', iPhone), otpIssued('s1')])
      .when(verify());
    t.ok(typesOf(first.decision.events).includes('NewDeviceSignInNoticed'), 'first undeclared device: told');
    const again = user(t)
      .given([registered(), startedOn('f0'), otpIssued('s1')])
      .when(verify());
    t.notOk(typesOf(again.decision.events).includes('NewDeviceSignInNoticed'), 'undeclared again: not told');
  });
  t.test('at most the bound in 24 hours; the oldest leaving the window makes room', async (t) => {
    const earlier = [secondsAfter(-86000), secondsAfter(-3600), secondsAfter(-60)];
    const history = [
      registered(),
      startedOn('f0', iPhone),
      ...earlier.map((at, index) => noticed(`f${index + 1}`, at)),
      otpIssued('s1', 'LOGIN', { expiresAt: secondsAfter(900) }),
      declared('s1', laptop),
    ];
    const full = user(t).given(history).when(verify());
    t.same(typesOf(full.decision.events), ['OtpVerified', 'PhoneNumberVerified', 'SessionStarted'], 'bound reached');
    const later = secondsAfter(500);
    const room = user(t).given(history).when(verify('s1', later));
    t.ok(typesOf(room.decision.events).includes('NewDeviceSignInNoticed'), 'a day after the oldest, told again');
  });
  t.test('a bound of zero turns notices off, and so does a handler that asks for none', async (t) => {
    const history = [registered(), startedOn('f0', iPhone), otpIssued('s1'), declared('s1', laptop)];
    const off = user(t)
      .given(history)
      .when({ ...verify(), newDeviceNotice: { ...notice, perDay: 0 } });
    t.notOk(typesOf(off.decision.events).includes('NewDeviceSignInNoticed'));
    const none = user(t).given(history).when(verifyCommand('s1'));
    t.notOk(typesOf(none.decision.events).includes('NewDeviceSignInNoticed'));
  });
  t.test('a wrong code tells nothing', async (t) => {
    user(t)
      .given([registered(), startedOn('f0', iPhone), otpIssued('s1'), declared('s1', laptop)])
      .when({ ...verify(), presentedCodeHash: 'wrong' })
      .thenRejects('OTP_INVALID', [
        { type: 'OtpVerificationFailed', data: { userId, sessionId: 's1', failedAttempts: 1, attemptsLeft: 2 } },
      ]);
  });
});
