/**
 * A user belongs to the API client that signed them up. To any other client
 * they are an unknown user: logging them in, answering their codes, resetting
 * their password or redeeming their refresh token answers exactly as for an
 * email nobody signed up, sends them nothing and changes nothing of theirs.
 */
import t from 'tap';
import { clientToken, signUpAndLogIn } from '../support/flows.ts';
import { newUser, startTestServer, type TestServer } from '../support/testServer.ts';

let server: TestServer;
let other: string;
t.before(async () => {
  server = await startTestServer({ DECOY_PHONE_COUNTRIES: 'FR' });
  other = await clientToken(server, 'other-partner', ['users:write', 'users:read']);
});
t.teardown(() => server.close());

t.test(
  'another client cannot log the user in with the right password: it is told what an unknown email is told',
  async (t) => {
    const ada = newUser();
    await signUpAndLogIn(server, ada);
    const sent = server.countSentTo(ada.phoneNumber);
    const login = (email: string) =>
      server.call('POST', '/v1/user/login', { token: other, body: { username: email, password: ada.password } });
    const theirs = await login(ada.email);
    const nobodys = await login(`nobody.${Date.now()}@example.com`);
    t.equal(theirs.status, 401);
    t.same(theirs.body, nobodys.body, 'the same body, word for word');
    t.equal(server.countSentTo(ada.phoneNumber), sent, 'no code is sent to her phone');
  },
);

t.test("another client cannot answer the user's code, and her login goes on", async (t) => {
  const ada = newUser();
  await server.call('POST', '/v1/user/sign-up', { body: ada });
  const before = server.countSentTo(ada.phoneNumber);
  const login = await server.call('POST', '/v1/user/login', { body: { username: ada.email, password: ada.password } });
  const code = await server.nextCode(ada.phoneNumber, before);
  const otp = (token?: string) =>
    server.call('POST', '/v1/user/otp', {
      ...(token ? { token } : {}),
      body: { sessionId: login.body.data.sessionId, username: ada.email, challengeType: 'SMS_OTP', code },
    });
  const stolen = await otp(other);
  t.equal(stolen.status, 401);
  t.equal(stolen.body.errorCode, 3100, 'the code is "incorrect", as on an unknown email');
  const own = await otp();
  t.equal(own.status, 200, 'her own client then logs her in with the same code');
  t.ok(own.body.data.accessToken);
});

t.test("another client cannot redeem the user's refresh token, and her login lives on", async (t) => {
  const ada = newUser();
  const loggedIn = await signUpAndLogIn(server, ada);
  const redeemed = await server.call('POST', '/v1/user/refresh', {
    token: other,
    body: { username: ada.email, refreshToken: loggedIn.refreshToken },
  });
  t.equal(redeemed.status, 401);
  t.equal(redeemed.body.errorCode, 3200, 'refused as an invalid refresh token');
  const own = await server.call('POST', '/v1/user/refresh', {
    body: { username: ada.email, refreshToken: loggedIn.refreshToken },
  });
  t.equal(own.status, 200, 'her own client still refreshes with the same token: nothing was revoked');
});

t.test("another client starting a password reset gets an unknown email's answer, and she gets no SMS", async (t) => {
  const ada = newUser();
  await signUpAndLogIn(server, ada);
  const sent = server.countSentTo(ada.phoneNumber);
  const reset = (email: string) =>
    server.call('GET', `/v1/user/forget-password?email=${encodeURIComponent(email)}`, { token: other });
  const theirs = await reset(ada.email);
  const nobodys = await reset(`nobody.${Date.now()}@example.com`);
  t.equal(theirs.status, 200);
  t.equal(nobodys.status, 200);
  t.same(Object.keys(theirs.body.data).sort(), Object.keys(nobodys.body.data).sort(), 'the same fields');
  t.match(theirs.body.data.codeDeliveryDestination, /^\+33\*+\d\d$/, 'a masked number like any');
  const staged = await server.call('PUT', '/v1/user/change-password', {
    token: other,
    body: {
      sessionId: theirs.body.data.sessionId,
      username: ada.email,
      challengeType: 'SMS_OTP',
      password: 'a stolen new passphrase',
      passwordConfirm: 'a stolen new passphrase',
    },
  });
  t.equal(staged.status, 200, "the reset session takes a password, as an unknown email's does");
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.equal(server.countSentTo(ada.phoneNumber), sent, 'no code went to her phone');
  const login = await server.call('POST', '/v1/user/login', { body: { username: ada.email, password: ada.password } });
  t.equal(login.status, 200, 'her password is unchanged');
});

t.test('another client may sign up its own user with the same email and phone number: a separate user', async (t) => {
  const ada = newUser();
  const first = await signUpAndLogIn(server, ada);
  const theirs = await server.call('POST', '/v1/user/sign-up', { token: other, body: ada });
  t.equal(theirs.status, 200, 'signed up, as an unknown email would be');
  t.not(theirs.body.data.userId, first.userId, 'a user of its own');
  const again = await server.call('POST', '/v1/user/sign-up', {
    token: other,
    body: { ...ada, email: `x${ada.email}` },
  });
  t.equal(again.status, 409, 'within one client the phone number stays unique');
  const loggedIn = await signUpAndLogIn(server, ada, { token: other, signUp: false });
  t.equal(loggedIn.userId, theirs.body.data.userId, 'each client logs in its own user');
});
