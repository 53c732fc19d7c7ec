/**
 * The whole account flow against a listening server, as a partner's backend
 * and its user would go through it, reading SMS codes from the dev outbox.
 */
import t from 'tap';
import { newUser, startTestServer } from '../support/testServer.ts';

t.test('a new user signs up, logs in with an SMS code, refreshes, resets the password and logs in again', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const user = newUser();

  const signUp = await server.call('POST', '/v1/user/sign-up', {
    body: { email: user.email.toUpperCase(), phoneNumber: user.phoneNumber, password: user.password },
  });
  t.equal(signUp.status, 200);
  t.match(signUp.body, {
    success: true,
    errorCode: 0,
    errorMessage: '',
    data: { email: user.email, phoneNumber: user.phoneNumber, userAccountStatus: 'PENDING_KYC', phoneVerified: false },
  });
  t.equal(signUp.body.data.accounts.length, 1, 'the main account comes with the user');
  const userId: string = signUp.body.data.userId;

  const sentBefore = server.countSentTo(user.phoneNumber);
  const login = await server.call('POST', '/v1/user/login', {
    body: { username: user.email, password: user.password },
  });
  t.equal(login.status, 200);
  t.match(login.body.data, { challengeType: 'SMS_OTP', codeDeliveryDestination: /^\+33\*+\d\d$/, expiresIn: 300 });
  t.notOk(JSON.stringify(login.body).includes(user.phoneNumber), 'the destination is masked');
  const code = await server.nextCode(user.phoneNumber, sentBefore);
  t.match(code, /^\d{4}$/, 'a 4-digit code arrives by SMS');

  const otp = await server.call('POST', '/v1/user/otp', {
    body: { sessionId: login.body.data.sessionId, username: user.email, challengeType: 'SMS_OTP', code },
  });
  t.equal(otp.status, 200);
  t.match(otp.body.data, { userId, tokenType: 'Bearer', expiresIn: Number, refreshToken: String, accessToken: String });
  const claims = JSON.parse(
    Buffer.from(String(otp.body.data.accessToken).split('.')[1] ?? '', 'base64url').toString(),
  ) as { iat: number; exp: number };
  t.equal(claims.exp - claims.iat, 300, 'the access token lives 5 minutes');
  const { accessToken, refreshToken } = otp.body.data as { accessToken: string; refreshToken: string };

  const me = await server.call('GET', '/v1/user/me', { token: accessToken });
  t.equal(me.status, 200);
  t.match(me.body.data, {
    userId,
    email: user.email,
    phoneNumber: user.phoneNumber,
    phoneVerified: true,
    kycStatus: 'NOT_STARTED',
  });

  const refreshed = await server.call('POST', '/v1/user/refresh', { body: { username: user.email, refreshToken } });
  t.equal(refreshed.status, 200);
  t.not(refreshed.body.data.refreshToken, refreshToken, 'the refresh token rotates');
  const meAgain = await server.call('GET', '/v1/user/me', { token: refreshed.body.data.accessToken });
  t.equal(meAgain.status, 200, 'the new access token works');

  const replayed = await server.call('POST', '/v1/user/refresh', { body: { username: user.email, refreshToken } });
  t.equal(replayed.status, 401, 'the old refresh token no longer works');
  t.equal(replayed.body.errorCode, 3200);

  const beforeReset = server.countSentTo(user.phoneNumber);
  const forget = await server.call('GET', `/v1/user/forget-password?email=${encodeURIComponent(user.email)}`);
  t.equal(forget.status, 200);
  const resetSession: string = forget.body.data.sessionId;
  const resetCode = await server.nextCode(user.phoneNumber, beforeReset);
  const newPassword = `${user.password} renewed`;
  const staged = await server.call('PUT', '/v1/user/change-password', {
    body: {
      sessionId: resetSession,
      username: user.email,
      challengeType: 'SMS_OTP',
      password: newPassword,
      passwordConfirm: newPassword,
    },
  });
  t.equal(staged.status, 200);
  t.match(staged.body.data, { sessionId: resetSession, passwordStaged: true });
  const committed = await server.call('POST', '/v1/user/otp', {
    body: { sessionId: resetSession, username: user.email, challengeType: 'SMS_OTP', code: resetCode },
  });
  t.equal(committed.status, 200);
  t.match(committed.body.data, { passwordChanged: true });

  const afterReset = await server.call('POST', '/v1/user/refresh', {
    body: { username: user.email, refreshToken: refreshed.body.data.refreshToken },
  });
  t.equal(afterReset.status, 401, 'the password change revoked every session');

  const oldPassword = await server.call('POST', '/v1/user/login', {
    body: { username: user.email, password: user.password },
  });
  t.equal(oldPassword.status, 401, 'the old password fails');
  const newLogin = await server.call('POST', '/v1/user/login', {
    body: { username: user.email, password: newPassword },
  });
  t.equal(newLogin.status, 200, 'the new password works');
});
