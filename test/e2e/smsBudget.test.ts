/** The SMS budget with its defaults (3 codes per 15 minutes, 10 a day per phone), over HTTP. */
import t from 'tap';
import { newUser, startTestServer } from '../support/testServer.ts';

t.test('past the budget no SMS is sent, the answer looks the same, and the session takes no code', async (t) => {
  const server = await startTestServer({ SMS_BUDGET_PER_WINDOW: '3', SMS_BUDGET_PER_DAY: '10' });
  t.teardown(() => server.close());
  const user = newUser();
  await server.call('POST', '/v1/user/sign-up', { body: user });
  const logins = [];
  for (let index = 0; index < 3; index += 1) {
    const before = server.countSentTo(user.phoneNumber);
    logins.push(
      await server.call('POST', '/v1/user/login', { body: { username: user.email, password: user.password } }),
    );
    await server.nextCode(user.phoneNumber, before);
  }
  const fourth = await server.call('POST', '/v1/user/login', {
    body: { username: user.email, password: user.password },
  });
  t.equal(fourth.status, 200);
  t.same(Object.keys(fourth.body.data).sort(), Object.keys(logins[0]!.body.data).sort(), 'the same answer shape');
  t.equal(fourth.body.data.codeDeliveryDestination, logins[0]!.body.data.codeDeliveryDestination);
  await new Promise((resolve) => setTimeout(resolve, 500));
  t.equal(server.countSentTo(user.phoneNumber), 3, 'no fourth SMS');
  for (const code of ['0000', '1234', '9999']) {
    const guess = await server.call('POST', '/v1/user/otp', {
      body: { sessionId: fourth.body.data.sessionId, username: user.email, challengeType: 'SMS_OTP', code },
    });
    t.equal(guess.body.errorCode, 3100, 'no code exists to be guessed');
  }
  server.advanceClock(15 * 60 + 1);
  const before = server.countSentTo(user.phoneNumber);
  await server.call('POST', '/v1/user/login', { body: { username: user.email, password: user.password } });
  await server.nextCode(user.phoneNumber, before);
  t.pass('after 15 minutes codes are sent again');
});
