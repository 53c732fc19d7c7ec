/**
 * Passwords, codes and tokens must appear nowhere at rest: not in the event
 * store, not in the read models, not in the logs. Codes are 10 digits here so
 * a match cannot be a coincidence of timestamps or ids.
 */
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { newUser, startTestServer } from '../support/testServer.ts';

t.test('the password, the codes and the tokens appear nowhere in the SQLite files or the logs', async (t) => {
  const server = await startTestServer({ OTP_LENGTH: '10' });
  t.teardown(() => server.close());
  const user = { ...newUser(), password: 'canary-passphrase-7f3a9c' };
  const secrets: string[] = [user.password];

  await server.call('POST', '/v1/user/sign-up', { body: user });
  let sent = server.countSentTo(user.phoneNumber);
  const login = await server.call('POST', '/v1/user/login', {
    body: { username: user.email, password: user.password },
  });
  const code = await server.nextCode(user.phoneNumber, sent);
  secrets.push(code);
  const wrong = code === '0000000000' ? '1111111111' : '0000000000';
  await server.call('POST', '/v1/user/otp', {
    body: { sessionId: login.body.data.sessionId, username: user.email, challengeType: 'SMS_OTP', code: wrong },
  });
  const otp = await server.call('POST', '/v1/user/otp', {
    body: { sessionId: login.body.data.sessionId, username: user.email, challengeType: 'SMS_OTP', code },
  });
  t.equal(otp.status, 200);
  secrets.push(otp.body.data.refreshToken, otp.body.data.accessToken);
  const refreshed = await server.call('POST', '/v1/user/refresh', {
    body: { username: user.email, refreshToken: otp.body.data.refreshToken },
  });
  secrets.push(refreshed.body.data.refreshToken);
  sent = server.countSentTo(user.phoneNumber);
  const reset = await server.call('GET', `/v1/user/forget-password?email=${encodeURIComponent(user.email)}`);
  const resetCode = await server.nextCode(user.phoneNumber, sent);
  secrets.push(resetCode);
  const newPassword = 'canary-new-passphrase-2b8e';
  secrets.push(newPassword);
  await server.call('PUT', '/v1/user/change-password', {
    body: {
      sessionId: reset.body.data.sessionId,
      username: user.email,
      challengeType: 'SMS_OTP',
      password: newPassword,
      passwordConfirm: newPassword,
    },
  });
  const committed = await server.call('POST', '/v1/user/otp', {
    body: { sessionId: reset.body.data.sessionId, username: user.email, challengeType: 'SMS_OTP', code: resetCode },
  });
  t.equal(committed.status, 200);

  await server.running.close();
  const logs = server.logs.join('');
  t.ok(logs.includes('sms handed to provider'), 'the notifier did log its sends');
  const stores = readdirSync(server.dataDir).filter((name) => /\.sqlite(-wal)?$/.test(name));
  t.ok(stores.length >= 2, 'the event store and read models were written');
  for (const secret of secrets) {
    t.notOk(logs.includes(secret), 'the logs hold no password, code or token');
    for (const name of stores) {
      t.notOk(
        readFileSync(path.join(server.dataDir, name)).toString('latin1').includes(secret),
        `${name} holds no password, code or token`,
      );
    }
  }
  t.notOk(logs.includes(user.email), 'the logs hold no email');
  t.notOk(logs.includes(user.phoneNumber), 'the logs hold no full phone number');
});
