/**
 * Once a phone's SMS budget is spent, and on a wrong code on a reset session:
 * known and unknown emails answer alike, with no difference in time an
 * attacker measuring many fresh emails could find (test/support/timingSamples.ts).
 */
import t from 'tap';
import type { TestServer } from '../../support/testServer.ts';
import { interleaved, noDifference, signedUp, startTimingServer, unknownEmail } from '../../support/timingSamples.ts';

// Every measured answer waits its uniform answer time, one after the other: about a minute.
t.setTimeout(5 * 60_000);

let server: TestServer;
t.before(async () => {
  server = await startTimingServer();
});
t.teardown(() => server.close());

const forget = (email: string) => () =>
  server.call('GET', `/v1/user/forget-password?email=${encodeURIComponent(email)}`);

t.test("a password reset once the phone's SMS budget is spent: no difference in time either", async (t) => {
  // Each email asks once before the measure, which spends its phone's budget (or its phantom's).
  const samples = await interleaved(
    async (index) => {
      const state = { user: await signedUp(server), nobody: unknownEmail(index) };
      await Promise.all([forget(state.user.email)(), forget(state.nobody)()]);
      return state;
    },
    ({ user }) => forget(user.email),
    ({ nobody }) => forget(nobody),
  );
  t.same([...new Set(samples.answers.map((answer) => answer.status))], [200], 'every answer is a 200');
  noDifference(t, 'password reset, budget spent', samples);
});

t.test(
  'a wrong code on a reset session of a known and an unknown email: the same answer, no difference in time',
  async (t) => {
    const wrongCode = (email: string, sessionId: string, code: string) => () =>
      server.call('POST', '/v1/user/otp', {
        body: { sessionId, username: email, challengeType: 'SMS_OTP', code },
      });
    // A fixed guess would be the sent code once in 10,000 tries: wrong for sure is the sent code plus one.
    const besides = (code: string) => String((Number(code) + 1) % 10 ** code.length).padStart(code.length, '0');
    const stage = (email: string, sessionId: string) =>
      server.call('PUT', '/v1/user/change-password', {
        body: {
          sessionId,
          username: email,
          challengeType: 'SMS_OTP',
          password: 'a brand new passphrase',
          passwordConfirm: 'a brand new passphrase',
        },
      });
    const samples = await interleaved(
      async (index) => {
        const user = await signedUp(server);
        const nobody = unknownEmail(index);
        const before = server.countSentTo(user.phoneNumber);
        const [known, unknown] = await Promise.all([forget(user.email)(), forget(nobody)()]);
        await Promise.all([stage(user.email, known.body.data.sessionId), stage(nobody, unknown.body.data.sessionId)]);
        const wrong = besides(await server.nextCode(user.phoneNumber, before));
        return {
          user,
          nobody,
          wrong,
          knownSession: known.body.data.sessionId as string,
          unknownSession: unknown.body.data.sessionId as string,
        };
      },
      ({ user, knownSession, wrong }) => wrongCode(user.email, knownSession, wrong),
      ({ nobody, unknownSession, wrong }) => wrongCode(nobody, unknownSession, wrong),
    );
    t.same(
      [...new Set(samples.answers.map((answer) => `${answer.status} ${answer.body.errorCode}`))],
      ['401 3100'],
      'every answer is "the code is incorrect"',
    );
    noDifference(t, 'wrong code', samples);
  },
);
