/** A POST retried with the same Idempotency-Key gets the first answer again and writes nothing more. */
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createSqliteEventStore } from '@tessera/event-store';
import { newUser, startTestServer, type TestServer } from '../support/testServer.ts';

const headPosition = async (server: TestServer) => {
  const store = createSqliteEventStore({ path: path.join(server.dataDir, 'events.sqlite') });
  try {
    return await store.headPosition();
  } finally {
    await store.close();
  }
};

t.test('a retried sign-up, login and code check answer as the first time and record one set of events', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const user = newUser();
  const signUpKey = randomUUID();
  const first = await server.call('POST', '/v1/user/sign-up', {
    body: user,
    headers: { 'idempotency-key': signUpKey },
  });
  t.equal(first.status, 200);
  const afterFirst = await headPosition(server);
  const retry = await server.call('POST', '/v1/user/sign-up', {
    body: user,
    headers: { 'idempotency-key': signUpKey },
  });
  t.equal(retry.status, 200, 'not a 409: the retry is the same request');
  t.same(retry.body, first.body, 'the same answer, the same userId');
  t.equal(retry.headers.get('idempotent-replayed'), 'true');
  t.equal(await headPosition(server), afterFirst, 'no second event');

  const loginKey = randomUUID();
  const sent = server.countSentTo(user.phoneNumber);
  const login = await server.call('POST', '/v1/user/login', {
    body: { username: user.email, password: user.password },
    headers: { 'idempotency-key': loginKey },
  });
  const code = await server.nextCode(user.phoneNumber, sent);
  const loginAgain = await server.call('POST', '/v1/user/login', {
    body: { username: user.email, password: user.password },
    headers: { 'idempotency-key': loginKey },
  });
  t.equal(loginAgain.body.data.sessionId, login.body.data.sessionId, 'the same challenge');
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.equal(server.countSentTo(user.phoneNumber), sent + 1, 'one SMS, not two');

  const otpKey = randomUUID();
  const otpBody = { sessionId: login.body.data.sessionId, username: user.email, challengeType: 'SMS_OTP', code };
  const otp = await server.call('POST', '/v1/user/otp', { body: otpBody, headers: { 'idempotency-key': otpKey } });
  const otpAgain = await server.call('POST', '/v1/user/otp', { body: otpBody, headers: { 'idempotency-key': otpKey } });
  t.equal(otp.status, 200);
  t.same(otpAgain.body, otp.body, 'a lost answer with tokens can be fetched again');
  const views = Buffer.concat(
    readdirSync(server.dataDir)
      .filter((file) => file.startsWith('views.sqlite'))
      .map((file) => readFileSync(path.join(server.dataDir, file))),
  );
  t.notOk(
    views.includes(Buffer.from(otp.body.data.refreshToken)) || views.includes(Buffer.from(otp.body.data.accessToken)),
    'the kept answer is encrypted: no token at rest',
  );
  t.equal(
    (await server.call('POST', '/v1/user/otp', { body: otpBody })).status,
    401,
    'without the key, the used code is refused as before',
  );
});

t.test('the same key with another request is refused; a failure is not kept; keys are per caller', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const key = randomUUID();
  await server.call('POST', '/v1/user/sign-up', { body: newUser(), headers: { 'idempotency-key': key } });
  const other = await server.call('POST', '/v1/user/sign-up', { body: newUser(), headers: { 'idempotency-key': key } });
  t.equal(other.status, 422);
  t.equal(other.body.errorCode, 1006, 'a key reused for another request');
  const bad = await server.call('POST', '/v1/user/sign-up', {
    body: newUser(),
    headers: { 'idempotency-key': 'has spaces in it' },
  });
  t.equal(bad.body.errorCode, 1000, 'a malformed key is a validation error');

  const racing = newUser();
  const raceKey = randomUUID();
  const answers = await Promise.all(
    [1, 2, 3].map(() =>
      server.call('POST', '/v1/user/sign-up', { body: racing, headers: { 'idempotency-key': raceKey } }),
    ),
  );
  const statuses = answers.map((answer) => answer.status).sort();
  t.ok(
    statuses.every((status) => status === 200 || status === 409),
    `concurrent retries answer as the first or "in progress" (${statuses.join(', ')})`,
  );
  const userIds = new Set(answers.filter((answer) => answer.status === 200).map((answer) => answer.body.data.userId));
  t.equal(userIds.size, 1, 'one user came out of it');
  const inProgress = answers.find((answer) => answer.status === 409);
  if (inProgress) t.equal(inProgress.body.errorCode, 1007);
});
