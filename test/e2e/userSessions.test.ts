/**
 * A user's own sessions, end to end: logins from two devices are listed with
 * them; one session ends another, whose refresh token and access token are
 * refused at once; a sign-in from a device new to the user is told by SMS.
 */
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { eventually } from '@tessera/testing';
import { newUser, startTestServer, type TestServer } from '../support/testServer.ts';

const server = await startTestServer();
t.teardown(() => server.close());

const phone = { id: 'install-7f3a', name: "Ada's iPhone", platform: 'IOS' };
const laptop = { name: 'Firefox at work', platform: 'WEB' };

interface Login {
  accessToken: string;
  refreshToken: string;
}

async function logIn(user: ReturnType<typeof newUser>, device?: object): Promise<Login> {
  const before = server.countSentTo(user.phoneNumber);
  const login = await server.call('POST', '/v1/user/login', {
    body: { username: user.email, password: user.password, ...(device ? { device } : {}) },
  });
  if (login.status !== 200) throw new Error(`login answered ${login.status}: ${JSON.stringify(login.body)}`);
  const code = await server.nextCode(user.phoneNumber, before);
  const otp = await server.call('POST', '/v1/user/otp', {
    body: { sessionId: login.body.data.sessionId, username: user.email, challengeType: 'SMS_OTP', code },
  });
  if (otp.status !== 200) throw new Error(`otp answered ${otp.status}: ${JSON.stringify(otp.body)}`);
  return { accessToken: otp.body.data.accessToken, refreshToken: otp.body.data.refreshToken };
}

async function signUp(server: TestServer) {
  const user = newUser();
  const answer = await server.call('POST', '/v1/user/sign-up', { body: { ...user, locale: 'en' } });
  if (answer.status !== 200) throw new Error(`sign-up answered ${answer.status}`);
  return user;
}

const sessionsOf = async (login: Login) =>
  (await server.call('GET', '/v1/user/sessions', { token: login.accessToken })).body.data.sessions;

/** The "new sign-in" SMS sent to the phone so far, oldest first. */
const noticesTo = (user: { phoneNumber: string }) =>
  server
    .sentCodes()
    .filter((sms) => sms.to === user.phoneNumber && sms.text.startsWith('New sign-in'))
    .map((sms) => sms.text);

t.test('a session is listed with its device, and ended from another session', async (t) => {
  const user = await signUp(server);
  const onPhone = await logIn(user, phone);
  const onLaptop = await logIn(user, laptop);

  const listed = await sessionsOf(onLaptop);
  t.match(listed, [
    { clientId: 'test-client', device: phone, current: false, createdAt: String, lastUsedAt: String },
    { clientId: 'test-client', device: laptop, current: true },
  ]);
  t.notOk('id' in listed[1].device, 'a device declared without an id is listed without one');
  const phoneSession = listed[0];
  t.same(
    (await sessionsOf(onPhone)).map((session: { current: boolean }) => session.current),
    [true, false],
    'each session sees itself as the current one',
  );

  const refreshed = await server.call('POST', '/v1/user/refresh', {
    body: { username: user.email, refreshToken: onPhone.refreshToken },
  });
  t.equal(refreshed.status, 200);
  // A refresh does not wait for the read model: the list shows it moments later.
  const afterRefresh = await eventually('lastUsedAt moved by the refresh', async () => {
    const [first] = await sessionsOf(onLaptop);
    return first.lastUsedAt > phoneSession.lastUsedAt ? first : undefined;
  });
  t.equal(afterRefresh.sessionId, phoneSession.sessionId, 'a refresh keeps the session id');
  t.equal(afterRefresh.createdAt, phoneSession.createdAt, 'and its start');

  const ended = await server.call('DELETE', `/v1/user/sessions/${phoneSession.sessionId}`, {
    token: onLaptop.accessToken,
  });
  t.equal(ended.status, 200);
  t.same(ended.body.data, { revokedSessionIds: [phoneSession.sessionId] });

  const me = await server.call('GET', '/v1/user/me', { token: refreshed.body.data.accessToken });
  t.equal(me.status, 401, "the ended session's access token is refused at once");
  t.equal(me.body.errorCode, 2000);
  const refreshAgain = await server.call('POST', '/v1/user/refresh', {
    body: { username: user.email, refreshToken: refreshed.body.data.refreshToken },
  });
  t.equal(refreshAgain.status, 401, "the ended session's refresh token is refused");
  t.equal(refreshAgain.body.errorCode, 3200);

  t.equal((await server.call('GET', '/v1/user/me', { token: onLaptop.accessToken })).status, 200, 'the other lives');
  t.same(
    (await sessionsOf(onLaptop)).map((session: { current: boolean }) => session.current),
    [true],
    'only the calling session is left',
  );

  const again = await server.call('DELETE', `/v1/user/sessions/${phoneSession.sessionId}`, {
    token: onLaptop.accessToken,
  });
  t.equal(again.status, 404, 'an ended session is not found');
  t.equal(again.body.errorCode, 4003);
});

t.test("another user's session is not found, and stays alive", async (t) => {
  const ada = await signUp(server);
  const adaLogin = await logIn(ada, phone);
  const [adaSession] = await sessionsOf(adaLogin);
  const mallory = await signUp(server);
  const malloryLogin = await logIn(mallory, laptop);
  const attempt = await server.call('DELETE', `/v1/user/sessions/${adaSession.sessionId}`, {
    token: malloryLogin.accessToken,
  });
  t.equal(attempt.status, 404);
  t.equal(attempt.body.errorCode, 4003);
  t.equal((await server.call('GET', '/v1/user/me', { token: adaLogin.accessToken })).status, 200);
});

t.test('ending the others keeps the calling session only', async (t) => {
  const user = await signUp(server);
  const first = await logIn(user, phone);
  const second = await logIn(user, phone);
  const third = await logIn(user, laptop);
  const answer = await server.call('POST', '/v1/user/sessions/revoke-others', { token: second.accessToken });
  t.equal(answer.status, 200);
  t.equal(answer.body.data.revokedSessionIds.length, 2);
  for (const ended of [first, third])
    t.equal((await server.call('GET', '/v1/user/me', { token: ended.accessToken })).status, 401, 'refused at once');
  t.match(await sessionsOf(second), [{ device: phone, current: true }]);
  t.same((await server.call('POST', '/v1/user/sessions/revoke-others', { token: second.accessToken })).body.data, {
    revokedSessionIds: [],
  });
});

t.test(
  'a sign-in from a device new to the user is told by SMS; the first login and known devices are not',
  async (t) => {
    const user = await signUp(server);
    const tablet = { name: 'Canary tablet 5e1d', platform: 'ANDROID' };
    await logIn(user, phone);
    await logIn(user, laptop);
    await logIn(user, { ...phone, name: 'Renamed iPhone' });
    await logIn(user, tablet);
    // Notices go out in the order of the logins: once the last one is there, any earlier one would be too.
    const notices = await eventually('two notices', () => (noticesTo(user).length >= 2 ? noticesTo(user) : undefined));
    t.same(notices, [
      'New sign-in to your Tessera account on a web browser. If this was not you, reset your password now.',
      'New sign-in to your Tessera account on an Android device. If this was not you, reset your password now.',
    ]);
    t.notOk(server.logs.join('').includes(tablet.name), 'no device name in the logs');
    for (const file of ['events.sqlite', 'events.sqlite-wal'].map((name) => path.join(server.dataDir, name)))
      if (existsSync(file))
        t.notOk(readFileSync(file).toString('latin1').includes(tablet.name), `${path.basename(file)}: no device name`);
  },
);
