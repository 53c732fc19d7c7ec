/**
 * A wrong password and an unknown user, a password reset of a known and an
 * unknown email: the same answers, and no difference in time an attacker
 * measuring many fresh emails could find (test/support/timingSamples.ts).
 */
import t from 'tap';
import type { TestServer } from '../../support/testServer.ts';
import {
  interleaved,
  noDifference,
  shapeOf,
  signedUp,
  startTimingServer,
  unknownEmail,
} from '../../support/timingSamples.ts';

// Every measured answer waits its uniform answer time, one after the other: about a minute.
t.setTimeout(5 * 60_000);

let server: TestServer;
t.before(async () => {
  server = await startTimingServer();
});
t.teardown(() => server.close());

const forget = (email: string) => () =>
  server.call('GET', `/v1/user/forget-password?email=${encodeURIComponent(email)}`);

t.test('a wrong password and an unknown user: the same status, the same body, no difference in time', async (t) => {
  const login = (username: string) => () =>
    server.call('POST', '/v1/user/login', { body: { username, password: 'not the password at all' } });
  const samples = await interleaved(
    async (index) => ({ user: await signedUp(server), nobody: unknownEmail(index) }),
    ({ user }) => login(user.email),
    ({ nobody }) => login(nobody),
  );
  t.same([...new Set(samples.answers.map((answer) => answer.status))], [401], 'every answer is a 401');
  t.same(
    [...new Set(samples.answers.map((answer) => JSON.stringify(answer.body)))].length,
    1,
    'every answer has the same body, word for word',
  );
  noDifference(t, 'login', samples);
});

t.test('a password reset of a known and an unknown email: the same answer, no difference in time', async (t) => {
  const samples = await interleaved(
    async (index) => ({ user: await signedUp(server), nobody: unknownEmail(index) }),
    ({ user }) => forget(user.email),
    ({ nobody }) => forget(nobody),
  );
  t.same([...new Set(samples.answers.map((answer) => answer.status))], [200], 'every answer is a 200');
  t.same(
    [...new Set(samples.answers.map((answer) => JSON.stringify(shapeOf(answer.body))))].length,
    1,
    'every answer has the same fields',
  );
  t.equal(
    samples.answers.filter((answer) => !/^\+33\*{7}\d\d$/.test(answer.body.data.codeDeliveryDestination)).length,
    0,
    'every answer masks a number of the same shape',
  );
  noDifference(t, 'password reset', samples);
});
