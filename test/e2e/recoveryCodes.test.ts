/**
 * Recovery codes end to end on the embedded default: generated with the
 * password or a step-up token, shown once, each answering one login or reset
 * challenge instead of the SMS code; a wrong one counts as a wrong SMS code;
 * the phone hears of each set and each use; no code is kept anywhere at rest.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { errorCatalogue } from '@tessera/contracts';
import { signUpAndLogIn, type LoggedIn } from '../support/flows.ts';
import { newUser, startTestServer, type TestServer } from '../support/testServer.ts';

type User = ReturnType<typeof newUser>;

let server: TestServer;
t.before(async () => {
  // A small account lock, so that wrong SMS codes and wrong recovery codes reach it together in a few steps.
  server = await startTestServer({
    OTP_ACCOUNT_LOCK_THRESHOLD: '4',
    SMS_BUDGET_PER_WINDOW: '30',
    SMS_BUDGET_PER_DAY: '60',
  });
});
t.teardown(() => server.close());

const codeOf = (error: keyof typeof errorCatalogue) => errorCatalogue[error].errorCode;

async function signedIn(): Promise<{ user: User; login: LoggedIn }> {
  const user = { ...newUser(), locale: 'en' };
  return { user, login: await signUpAndLogIn(server, user) };
}

const generate = (login: LoggedIn, body: object) =>
  server.call('POST', '/v1/user/recovery-codes', { token: login.accessToken, body });

async function generated(user: User, login: LoggedIn): Promise<string[]> {
  const answer = await generate(login, { password: user.password });
  if (answer.status !== 200)
    throw new Error(`recovery-codes answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body.data.recoveryCodes;
}

/** The password again: the session a login opens, its SMS code sent as usual. */
async function loginSession(user: User): Promise<string> {
  const login = await server.call('POST', '/v1/user/login', {
    body: { username: user.email, password: user.password },
  });
  if (login.status !== 200) throw new Error(`login answered ${login.status}: ${JSON.stringify(login.body)}`);
  return login.body.data.sessionId;
}

const answer = (user: User, sessionId: string, code: string, challengeType = 'RECOVERY_CODE') =>
  server.call('POST', '/v1/user/otp', { body: { sessionId, username: user.email, challengeType, code } });

const me = async (login: { accessToken: string }) =>
  (await server.call('GET', '/v1/user/me', { token: login.accessToken })).body.data;

const noticesTo = (user: User) =>
  server
    .sentCodes()
    .filter((sms) => sms.to === user.phoneNumber && sms.code === '')
    .map((sms) => sms.text);

async function eventually(what: string, check: () => boolean): Promise<void> {
  for (let tries = 0; tries < 100; tries += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never: ${what}`);
}

/** A step-up for `action`, its SMS code answered: the step-up token and the text the user read. */
async function stepUp(user: User, login: LoggedIn, action = 'MANAGE_RECOVERY_CODES', transaction?: object) {
  const before = server.countSentTo(user.phoneNumber);
  const started = await server.call('POST', '/v1/user/step-up', {
    token: login.accessToken,
    body: { password: user.password, action, ...(transaction ? { transaction } : {}) },
  });
  if (started.status !== 200) throw new Error(`step-up answered ${started.status}: ${JSON.stringify(started.body)}`);
  const code = await server.nextCode(user.phoneNumber, before);
  const text = server
    .sentCodes()
    .filter((sms) => sms.code === code && sms.to === user.phoneNumber)
    .at(-1)?.text;
  const verified = await answer(user, started.body.data.sessionId, code, 'SMS_OTP');
  return { stepUpToken: verified.body.data.stepUpToken as string, text, sessionId: started.body.data.sessionId };
}

t.test('ten codes shown once; one logs in instead of the SMS code, once, and the phone hears of both', async (t) => {
  const { user, login } = await signedIn();
  t.equal((await me(login)).recoveryCodesLeft, 0, 'none before');
  const codes = await generated(user, login);
  t.equal(codes.length, 10);
  for (const code of codes) t.match(code, /^[0-9abcdefghjkmnpqrstvwxyz]{5}-[0-9abcdefghjkmnpqrstvwxyz]{5}$/);
  t.equal(new Set(codes).size, 10, 'all different');
  const view = await me(login);
  t.equal(view.recoveryCodesLeft, 10, 'me counts them');
  t.notOk(JSON.stringify(view).includes(codes[0]!), 'and never shows them');
  await eventually('the generated notice', () =>
    noticesTo(user).some((text) => /recovery codes were just generated/.test(text)),
  );

  const session = await loginSession(user);
  // Typed as read aloud: upper case, without the hyphen.
  const loggedIn = await answer(user, session, codes[0]!.replace('-', '').toUpperCase());
  t.equal(loggedIn.status, 200, 'a recovery code answers the login');
  t.match(loggedIn.body.data, { userId: login.userId, accessToken: String, refreshToken: String });
  t.equal((await me(loggedIn.body.data)).recoveryCodesLeft, 9, 'one fewer left');
  await eventually('the used notice', () => noticesTo(user).some((text) => /recovery code was just used/.test(text)));

  const again = await answer(user, await loginSession(user), codes[0]!);
  t.equal(again.status, 401);
  t.equal(again.body.errorCode, codeOf('OTP_INVALID'), 'the same code does not work twice');
  const next = await answer(user, await loginSession(user), codes[1]!);
  t.equal(next.status, 200, 'another code of the set still does');
});

t.test('a new set replaces the old one whole', async (t) => {
  const { user, login } = await signedIn();
  const first = await generated(user, login);
  const second = await generated(user, login);
  t.equal((await me(login)).recoveryCodesLeft, 10);
  const old = await answer(user, await loginSession(user), first[3]!);
  t.equal(old.body.errorCode, codeOf('OTP_INVALID'), "the old set's codes stop working");
  const fresh = await answer(user, await loginSession(user), second[3]!);
  t.equal(fresh.status, 200, "the new set's work");
});

t.test('a recovery code answers a password reset', async (t) => {
  const { user, login } = await signedIn();
  const codes = await generated(user, login);
  const reset = await server.call('GET', `/v1/user/forget-password?email=${encodeURIComponent(user.email)}`);
  const newPassword = 'a-new-passphrase-for-recovery';
  const sessionId = reset.body.data.sessionId;
  const staged = await server.call('PUT', '/v1/user/change-password', {
    body: {
      sessionId,
      username: user.email,
      challengeType: 'SMS_OTP',
      password: newPassword,
      passwordConfirm: newPassword,
    },
  });
  t.equal(staged.status, 200);
  const committed = await answer(user, sessionId, codes[5]!);
  t.equal(committed.status, 200);
  t.match(committed.body.data, { passwordChanged: true });
  const withNew = await server.call('POST', '/v1/user/login', {
    body: { username: user.email, password: newPassword },
  });
  t.equal(withNew.status, 200, 'the new password is the password');
});

t.test('with a step-up token for MANAGE_RECOVERY_CODES instead of the password, used once', async (t) => {
  const { user, login } = await signedIn();
  const { stepUpToken, text } = await stepUp(user, login);
  t.match(text, /to generate new recovery codes/, 'the SMS says what the code confirms');
  const withToken = await generate(login, { stepUpToken });
  t.equal(withToken.status, 200);
  t.equal(withToken.body.data.recoveryCodes.length, 10);
  const twice = await generate(login, { stepUpToken });
  t.equal(twice.status, 409);
  t.equal(twice.body.errorCode, codeOf('STEP_UP_TOKEN_ALREADY_USED'));

  const withdrawal = { amount: '10', currency: 'EUR', destination: 'FR7630006000011234567890189' };
  const { stepUpToken: forWithdrawal } = await stepUp(user, login, 'WITHDRAW', withdrawal);
  const otherAction = await generate(login, { stepUpToken: forWithdrawal });
  t.equal(otherAction.status, 422);
  t.equal(otherAction.body.errorCode, codeOf('STEP_UP_ACTION_MISMATCH'), 'a token for another action');

  const someoneElse = await signedIn();
  const { stepUpToken: theirs } = await stepUp(someoneElse.user, someoneElse.login);
  const othersToken = await generate(login, { stepUpToken: theirs });
  t.equal(othersToken.status, 403);
  t.equal(othersToken.body.errorCode, codeOf('STEP_UP_TOKEN_INVALID'), "another user's token");
  t.equal((await generate(someoneElse.login, { stepUpToken: theirs })).status, 200, 'which its own user may still use');
});

t.test('refusals: a wrong password, a logged-out login, a step-up session, a code of the wrong shape', async (t) => {
  const { user, login } = await signedIn();
  const codes = await generated(user, login);
  const wrong = await generate(login, { password: 'not-the-password-at-all' });
  t.equal(wrong.status, 401);
  t.equal(wrong.body.errorCode, codeOf('INVALID_CREDENTIALS'));

  const { sessionId } = await server
    .call('POST', '/v1/user/step-up', {
      token: login.accessToken,
      body: { password: user.password, action: 'MANAGE_RECOVERY_CODES' },
    })
    .then((started) => started.body.data);
  const onStepUp = await answer(user, sessionId, codes[0]!);
  t.equal(onStepUp.status, 422);
  t.equal(onStepUp.body.errorCode, codeOf('CHALLENGE_TYPE_MISMATCH'), 'a step-up needs the phone');
  const session = await loginSession(user);
  const smsShape = await answer(user, session, codes[0]!, 'SMS_OTP');
  t.equal(smsShape.status, 400, 'a recovery code is no SMS code');
  const digits = await answer(user, session, '4821');
  t.equal(digits.status, 400, 'nor an SMS code a recovery code');
  t.equal((await answer(user, session, codes[0]!)).status, 200, 'the code was not spent by any of these');

  await server.call('POST', '/v1/user/logout', { token: login.accessToken });
  const afterLogout = await generate(login, { password: user.password });
  t.equal(afterLogout.status, 401, 'a logged-out token generates nothing');
});

t.test('wrong recovery codes count as wrong SMS codes: on the challenge and towards the account lock', async (t) => {
  const { user, login } = await signedIn();
  const codes = await generated(user, login);
  const guess = 'zzzzz-zzzzz';
  const session = await loginSession(user);
  for (const attempt of [1, 2])
    t.equal((await answer(user, session, guess)).body.errorCode, codeOf('OTP_INVALID'), `guess ${attempt}`);
  const third = await answer(user, session, '0000', 'SMS_OTP');
  t.equal(third.body.errorCode, codeOf('OTP_INVALID'), 'a wrong SMS code after them');
  const spent = await answer(user, session, codes[0]!);
  t.equal(
    spent.body.errorCode,
    codeOf('OTP_ATTEMPTS_EXHAUSTED'),
    'three wrong codes of either kind close the challenge',
  );

  // The lock is at 4 wrong codes in a row on the account: three so far, the fourth locks it.
  const locking = await answer(user, await loginSession(user), guess);
  t.equal(locking.status, 403);
  t.equal(locking.body.errorCode, codeOf('ACCOUNT_LOCKED'));
  const relogin = await server.call('POST', '/v1/user/login', {
    body: { username: user.email, password: user.password },
  });
  t.equal(relogin.body.errorCode, codeOf('ACCOUNT_LOCKED'), 'the account is locked; a reset is the way out');
});

t.test('no recovery code appears in the SQLite files or the logs', async (t) => {
  const own = await startTestServer();
  t.teardown(() => own.close());
  const user = newUser();
  const login = await signUpAndLogIn(own, user);
  const generatedAnswer = await own.call('POST', '/v1/user/recovery-codes', {
    token: login.accessToken,
    body: { password: user.password },
  });
  const codes: string[] = generatedAnswer.body.data.recoveryCodes;
  const started = await own.call('POST', '/v1/user/login', { body: { username: user.email, password: user.password } });
  const used = await own.call('POST', '/v1/user/otp', {
    body: {
      sessionId: started.body.data.sessionId,
      username: user.email,
      challengeType: 'RECOVERY_CODE',
      code: codes[0],
    },
  });
  t.equal(used.status, 200);
  await own.running.close();
  const logs = own.logs.join('');
  const stores = readdirSync(own.dataDir).filter((name) => /\.sqlite(-wal)?$/.test(name));
  t.ok(stores.length >= 2, 'the event store and read models were written');
  const contents = stores.map((name) => readFileSync(path.join(own.dataDir, name)).toString('latin1'));
  for (const code of codes) {
    for (const form of [code, code.replace('-', '')]) {
      t.notOk(logs.includes(form), 'the logs hold no recovery code');
      t.notOk(
        contents.some((content) => content.includes(form)),
        'no SQLite file holds a recovery code',
      );
    }
  }
});
