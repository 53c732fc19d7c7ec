/** One refresh token presented twice at the same moment: at most one new session comes out of it. */
import t from 'tap';
import { signUpAndLogIn } from '../support/flows.ts';
import { newUser, startTestServer } from '../support/testServer.ts';

t.test('two parallel refreshes with one token: at most one succeeds, every time', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const user = newUser();
  let signUp = true;
  for (let round = 1; round <= 8; round += 1) {
    const session = await signUpAndLogIn(server, user, { signUp });
    signUp = false;
    const refresh = () =>
      server.call('POST', '/v1/user/refresh', { body: { username: user.email, refreshToken: session.refreshToken } });
    const answers = await Promise.all([refresh(), refresh(), refresh()]);
    const won = answers.filter((answer) => answer.status === 200);
    t.ok(won.length <= 1, `round ${round}: ${won.length} of 3 parallel refreshes succeeded`);
    for (const lost of answers.filter((answer) => answer.status !== 200))
      t.equal(lost.body.errorCode, 3200, 'the others are told the token is not valid');
  }
});
