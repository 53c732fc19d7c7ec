/**
 * A password from the list of common breached passwords is refused wherever a
 * password is chosen — sign-up and the password reset — with its own error,
 * in any letter case, and nothing of the attempt is kept.
 */
import t from 'tap';
import type { Test } from 'tap';
import { newUser, startTestServer, type TestServer } from '../support/testServer.ts';

let server: TestServer;
t.before(async () => {
  server = await startTestServer();
});
t.teardown(() => server.close());

const BREACHED = ['password123', 'Iloveyou1', 'QWERTYUIOP', 'nfkfgtyf'];
const REFUSAL = {
  success: false,
  data: null,
  errorCode: 3007,
  errorMessage: 'This password is too common: it appears in lists of breached passwords. Choose another.',
};

/** A new user who has asked for a password reset: its session and the code sent for it. */
async function signedUpAndResetting(t: Test) {
  const user = newUser();
  t.equal((await server.call('POST', '/v1/user/sign-up', { body: user })).status, 200);
  const before = server.countSentTo(user.phoneNumber);
  const reset = await server.call('GET', `/v1/user/forget-password?email=${encodeURIComponent(user.email)}`);
  const code = await server.nextCode(user.phoneNumber, before);
  return { user, sessionId: reset.body.data.sessionId as string, code };
}

t.test('sign-up with a breached password is refused, and the email and phone stay free', async (t) => {
  const user = newUser();
  for (const password of BREACHED) {
    const refused = await server.call('POST', '/v1/user/sign-up', { body: { ...user, password } });
    t.equal(refused.status, 422, `${password} is refused`);
    t.same(refused.body, REFUSAL, 'with the breached-password error');
    t.notOk(
      JSON.stringify(refused.body).toLowerCase().includes(password.toLowerCase()),
      'the answer does not repeat the password',
    );
  }
  const login = await server.call('POST', '/v1/user/login', { body: { username: user.email, password: BREACHED[0] } });
  t.equal(login.status, 401, 'no user was created');
  const accepted = await server.call('POST', '/v1/user/sign-up', { body: user });
  t.equal(accepted.status, 200, 'the same email and phone sign up with a better password');
});

t.test(
  'a breached password cannot be set by a reset: nothing is staged and the old password still works',
  async (t) => {
    const { user, sessionId, code } = await signedUpAndResetting(t);
    for (const password of BREACHED) {
      const refused = await server.call('PUT', '/v1/user/change-password', {
        body: { sessionId, username: user.email, challengeType: 'SMS_OTP', password, passwordConfirm: password },
      });
      t.equal(refused.status, 422, `${password} is refused`);
      t.same(refused.body, REFUSAL);
    }
    const commit = await server.call('POST', '/v1/user/otp', {
      body: { sessionId, username: user.email, challengeType: 'SMS_OTP', code },
    });
    t.equal(commit.status, 422, 'the code commits nothing');
    t.equal(commit.body.errorCode, 3106, 'no new password was staged');
    t.equal(
      (await server.call('POST', '/v1/user/login', { body: { username: user.email, password: BREACHED[0] } })).status,
      401,
      'the breached password does not log in',
    );
    t.equal(
      (await server.call('POST', '/v1/user/login', { body: { username: user.email, password: user.password } })).status,
      200,
      'the old password still does',
    );
  },
);

t.test('the same reset session then accepts a password that is not on the list', async (t) => {
  const { user, sessionId, code } = await signedUpAndResetting(t);
  const change = (password: string) =>
    server.call('PUT', '/v1/user/change-password', {
      body: { sessionId, username: user.email, challengeType: 'SMS_OTP', password, passwordConfirm: password },
    });
  t.equal((await change('Password123')).body.errorCode, 3007);
  const better = `${user.password} made longer`;
  t.equal((await change(better)).status, 200);
  t.equal(
    (
      await server.call('POST', '/v1/user/otp', {
        body: { sessionId, username: user.email, challengeType: 'SMS_OTP', code },
      })
    ).status,
    200,
  );
  t.equal(
    (await server.call('POST', '/v1/user/login', { body: { username: user.email, password: better } })).status,
    200,
    'the new password works',
  );
});
