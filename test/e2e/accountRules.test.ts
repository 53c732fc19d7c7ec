/**
 * Each rule of the account flow as a user or partner would run into it, over HTTP.
 */
import t from 'tap';
import { newUser, startTestServer, type TestServer } from '../support/testServer.ts';

let server: TestServer;
t.before(async () => {
  server = await startTestServer();
});
t.teardown(() => server.close());

async function signedUp() {
  const user = newUser();
  const response = await server.call('POST', '/v1/user/sign-up', { body: user });
  if (response.status !== 200) throw new Error(`sign-up failed: ${JSON.stringify(response.body)}`);
  return { ...user, userId: response.body.data.userId as string };
}

async function loginSession(user: { email: string; password: string; phoneNumber: string }) {
  const before = server.countSentTo(user.phoneNumber);
  const login = await server.call('POST', '/v1/user/login', {
    body: { username: user.email, password: user.password },
  });
  const code = await server.nextCode(user.phoneNumber, before);
  return { sessionId: login.body.data.sessionId as string, code };
}

const otpBody = (user: { email: string }, sessionId: string, code: string) => ({
  sessionId,
  username: user.email,
  challengeType: 'SMS_OTP',
  code,
});
const wrongCodeFor = (code: string) => (code === '0000' ? '1111' : '0000');

t.test('a wrong password and an unknown user get the same answer', async (t) => {
  const user = await signedUp();
  const wrong = await server.call('POST', '/v1/user/login', {
    body: { username: user.email, password: 'not the password at all' },
  });
  const unknown = await server.call('POST', '/v1/user/login', {
    body: { username: `nobody.${user.email}`, password: 'not the password at all' },
  });
  t.equal(wrong.status, 401);
  t.equal(unknown.status, wrong.status);
  t.same(unknown.body, wrong.body, 'same body, word for word');
  t.same(wrong.body, {
    success: false,
    data: null,
    errorCode: 3000,
    errorMessage: 'The username or password is incorrect.',
  });
});

t.test('after three wrong codes the challenge is dead, even the right code is refused', async (t) => {
  const user = await signedUp();
  const { sessionId, code } = await loginSession(user);
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const wrong = await server.call('POST', '/v1/user/otp', { body: otpBody(user, sessionId, wrongCodeFor(code)) });
    t.equal(wrong.body.errorCode, 3100, `wrong code ${attempt} is refused`);
  }
  const right = await server.call('POST', '/v1/user/otp', { body: otpBody(user, sessionId, code) });
  t.equal(right.status, 401);
  t.equal(right.body.errorCode, 3103, 'the challenge is exhausted');
});

t.test('an expired code is refused', async (t) => {
  const user = await signedUp();
  const { sessionId, code } = await loginSession(user);
  server.advanceClock(301);
  const late = await server.call('POST', '/v1/user/otp', { body: otpBody(user, sessionId, code) });
  t.equal(late.status, 401);
  t.equal(late.body.errorCode, 3101);
});

t.test('a code works only once', async (t) => {
  const user = await signedUp();
  const { sessionId, code } = await loginSession(user);
  t.equal((await server.call('POST', '/v1/user/otp', { body: otpBody(user, sessionId, code) })).status, 200);
  const again = await server.call('POST', '/v1/user/otp', { body: otpBody(user, sessionId, code) });
  t.equal(again.status, 401);
  t.equal(again.body.errorCode, 3102);
});

t.test('a reused refresh token revokes the whole family, newest token included', async (t) => {
  const user = await signedUp();
  const { sessionId, code } = await loginSession(user);
  const first = (await server.call('POST', '/v1/user/otp', { body: otpBody(user, sessionId, code) })).body.data
    .refreshToken as string;
  const second = (
    await server.call('POST', '/v1/user/refresh', { body: { username: user.email, refreshToken: first } })
  ).body.data.refreshToken as string;
  const reuse = await server.call('POST', '/v1/user/refresh', { body: { username: user.email, refreshToken: first } });
  t.equal(reuse.status, 401, 'the rotated token is refused');
  const newest = await server.call('POST', '/v1/user/refresh', {
    body: { username: user.email, refreshToken: second },
  });
  t.equal(newest.status, 401, 'the newest token of the family is refused too');
  t.equal(newest.body.errorCode, 3200);
});

t.test('a new code can be asked for, not too often, and wrong codes still count', async (t) => {
  const user = await signedUp();
  const { sessionId, code } = await loginSession(user);
  await server.call('POST', '/v1/user/otp', { body: otpBody(user, sessionId, wrongCodeFor(code)) });
  const tooSoon = await server.call('POST', '/v1/user/otp/resend', { body: { sessionId, username: user.email } });
  t.equal(tooSoon.status, 429);
  t.ok(Number(tooSoon.headers.get('retry-after')) > 0, 'Retry-After says how long to wait');
  t.equal(tooSoon.body.errorCode, 3104);
  server.advanceClock(31);
  const before = server.countSentTo(user.phoneNumber);
  const resent = await server.call('POST', '/v1/user/otp/resend', { body: { sessionId, username: user.email } });
  t.equal(resent.status, 200);
  t.equal(resent.body.data.sessionId, sessionId, 'same session');
  const newCode = await server.nextCode(user.phoneNumber, before);
  if (newCode !== code) {
    const old = await server.call('POST', '/v1/user/otp', { body: otpBody(user, sessionId, code) });
    t.equal(old.body.errorCode, 3100, 'the replaced code no longer works');
  }
  const ok = await server.call('POST', '/v1/user/otp', { body: otpBody(user, sessionId, newCode) });
  t.equal(ok.status, 200, 'the new code works');
});

t.test(
  'a session id every object answers to, such as "toString", is no session: an email alone gets no code',
  async (t) => {
    const user = await signedUp();
    const before = server.countSentTo(user.phoneNumber);
    for (const sessionId of ['toString', 'constructor', '__proto__']) {
      const resend = await server.call('POST', '/v1/user/otp/resend', { body: { sessionId, username: user.email } });
      t.equal(resend.status, 401, `a resend on "${sessionId}" is refused`);
      t.equal(resend.body.errorCode, 3100);
      const verify = await server.call('POST', '/v1/user/otp', { body: otpBody(user, sessionId, '0000') });
      t.equal(verify.body.errorCode, 3100, `a code on "${sessionId}" is just a wrong code`);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    t.equal(server.countSentTo(user.phoneNumber), before, 'no SMS was sent');
  },
);

t.test('50 concurrent sign-ups with one email give exactly one user', async (t) => {
  const base = newUser();
  const attempts = await Promise.all(
    Array.from({ length: 50 }, (_, index) =>
      server.call('POST', '/v1/user/sign-up', {
        body: {
          ...base,
          email: index % 2 ? base.email.toUpperCase() : base.email,
          phoneNumber: `+4479${String(index).padStart(8, '0')}`,
        },
      }),
    ),
  );
  t.equal(attempts.filter((response) => response.status === 200).length, 1, 'one sign-up wins');
  t.equal(attempts.filter((response) => response.status === 409).length, 49, 'the others are told it cannot be done');
  t.ok(attempts.every((response) => response.status === 200 || response.body.errorCode === 3001));
  const login = await server.call('POST', '/v1/user/login', {
    body: { username: base.email, password: base.password },
  });
  t.equal(login.status, 200, 'the winner can log in');
});

t.test('a phone number belongs to one user', async (t) => {
  const user = await signedUp();
  const other = newUser();
  const again = await server.call('POST', '/v1/user/sign-up', { body: { ...other, phoneNumber: user.phoneNumber } });
  t.equal(again.status, 409);
  const freed = await server.call('POST', '/v1/user/sign-up', { body: other });
  t.equal(freed.status, 200, 'the email of the refused sign-up was released and can sign up');
});

t.test('sign-up refuses privileged roles, short passwords and malformed details with clear codes', async (t) => {
  const cases: Array<[string, Record<string, unknown>, number, number]> = [
    ['a privileged role', { roles: ['ADMIN'] }, 403, 3002],
    ['a 7-character password', { password: 'short77' }, 400, 3003],
    ['a 129-character password', { password: 'x'.repeat(129) }, 400, 3003],
    ['a phone number not in E.164', { phoneNumber: '0612345678' }, 400, 3005],
    ['an invalid email', { email: 'not-an-email' }, 400, 3006],
    ['a missing email', { email: undefined }, 400, 1000],
  ];
  for (const [label, change, status, errorCode] of cases) {
    const response = await server.call('POST', '/v1/user/sign-up', { body: { ...newUser(), ...change } });
    t.equal(response.status, status, `${label}: status ${status}`);
    t.equal(response.body.errorCode, errorCode, `${label}: error ${errorCode}`);
    t.equal(response.body.success, false);
  }
  const emoji = await server.call('POST', '/v1/user/sign-up', { body: { ...newUser(), password: '🔑🔑🔑🔑🔑🔑🔑🔑' } });
  t.equal(emoji.status, 200, 'eight emoji are eight characters');
});

t.test('a forgotten-password request for an unknown email looks like any other', async (t) => {
  const user = await signedUp();
  const known = await server.call('GET', `/v1/user/forget-password?email=${encodeURIComponent(user.email)}`);
  const unknown = await server.call(
    'GET',
    `/v1/user/forget-password?email=${encodeURIComponent(`nobody.${user.email}`)}`,
  );
  t.equal(unknown.status, known.status);
  t.same(Object.keys(unknown.body.data).sort(), Object.keys(known.body.data).sort());
  t.match(unknown.body.data.codeDeliveryDestination, /^\+\d{1,2}\*+\d\d$/, 'a masked number that looks real');
  const again = await server.call(
    'GET',
    `/v1/user/forget-password?email=${encodeURIComponent(`nobody.${user.email}`)}`,
  );
  t.equal(
    again.body.data.codeDeliveryDestination,
    unknown.body.data.codeDeliveryDestination,
    'and the same one each time',
  );
});

t.test('the new password must match its confirmation', async (t) => {
  const user = await signedUp();
  const reset = await server.call('GET', `/v1/user/forget-password?email=${encodeURIComponent(user.email)}`);
  const mismatch = await server.call('PUT', '/v1/user/change-password', {
    body: {
      sessionId: reset.body.data.sessionId,
      username: user.email,
      challengeType: 'SMS_OTP',
      password: 'one new passphrase',
      passwordConfirm: 'another passphrase',
    },
  });
  t.equal(mismatch.status, 422, 'both fit the schema: a rule it cannot state refuses them');
  t.equal(mismatch.body.errorCode, 3004);
});

t.test('the account flow needs a client token, and a user token is not one', async (t) => {
  const noToken = await server.call('POST', '/v1/user/login', {
    token: '',
    body: { username: 'a@example.com', password: 'whatever-long' },
  });
  t.equal(noToken.status, 401);
  t.equal(noToken.body.errorCode, 2000);
  const forged = await server.call('POST', '/v1/user/login', {
    token: 'eyJhbGciOiJub25lIn0.e30.',
    body: { username: 'a@example.com', password: 'whatever-long' },
  });
  t.equal(forged.status, 401);
  const user = await signedUp();
  const { sessionId, code } = await loginSession(user);
  const accessToken = (await server.call('POST', '/v1/user/otp', { body: otpBody(user, sessionId, code) })).body.data
    .accessToken as string;
  const wrongKind = await server.call('POST', '/v1/user/login', {
    token: accessToken,
    body: { username: user.email, password: user.password },
  });
  t.equal(wrongKind.status, 403);
  t.equal(wrongKind.body.errorCode, 2002);
  const meWithClientToken = await server.call('GET', '/v1/user/me');
  t.equal(meWithClientToken.status, 403, '/me needs a user token');
});

t.test('logout: the refresh token stops working and the access token is refused at once', async (t) => {
  const user = await signedUp();
  const { sessionId, code } = await loginSession(user);
  const tokens = (await server.call('POST', '/v1/user/otp', { body: otpBody(user, sessionId, code) })).body.data as {
    accessToken: string;
    refreshToken: string;
  };
  const second = await loginSession(user);
  const other = (await server.call('POST', '/v1/user/otp', { body: otpBody(user, second.sessionId, second.code) })).body
    .data as { accessToken: string };
  const logout = await server.call('POST', '/v1/user/logout', { token: tokens.accessToken });
  t.equal(logout.status, 200);
  t.same(logout.body.data, { loggedOut: true });
  t.equal(
    (await server.call('GET', '/v1/user/me', { token: tokens.accessToken })).status,
    401,
    'the access token is refused before it expires',
  );
  t.equal(
    (
      await server.call('POST', '/v1/user/refresh', {
        body: { username: user.email, refreshToken: tokens.refreshToken },
      })
    ).status,
    401,
    'the refresh token is dead',
  );
  t.equal(
    (await server.call('GET', '/v1/user/me', { token: other.accessToken })).status,
    200,
    'another login of the same user goes on',
  );
});

t.test('a password change makes every access token of the user refused at once', async (t) => {
  const user = await signedUp();
  const { sessionId, code } = await loginSession(user);
  const accessToken = (await server.call('POST', '/v1/user/otp', { body: otpBody(user, sessionId, code) })).body.data
    .accessToken as string;
  const before = server.countSentTo(user.phoneNumber);
  const reset = await server.call('GET', `/v1/user/forget-password?email=${encodeURIComponent(user.email)}`);
  const resetCode = await server.nextCode(user.phoneNumber, before);
  const password = 'a completely new passphrase';
  await server.call('PUT', '/v1/user/change-password', {
    body: {
      sessionId: reset.body.data.sessionId,
      username: user.email,
      challengeType: 'SMS_OTP',
      password,
      passwordConfirm: password,
    },
  });
  t.equal(
    (await server.call('POST', '/v1/user/otp', { body: otpBody(user, reset.body.data.sessionId, resetCode) })).status,
    200,
  );
  t.equal((await server.call('GET', '/v1/user/me', { token: accessToken })).status, 401);
});

t.test('ten wrong codes in a row, across challenges, lock the account until a password reset', async (t) => {
  const user = await signedUp();
  let wrong = 0;
  let last: { status: number; body: { errorCode: number } } | undefined;
  while (wrong < 10) {
    const { sessionId, code } = await loginSession(user);
    for (let attempt = 0; attempt < 3 && wrong < 10; attempt += 1, wrong += 1) {
      last = await server.call('POST', '/v1/user/otp', { body: otpBody(user, sessionId, wrongCodeFor(code)) });
    }
  }
  t.equal(last?.body.errorCode, 3108, 'the tenth wrong code locks the account');
  const login = await server.call('POST', '/v1/user/login', {
    body: { username: user.email, password: user.password },
  });
  t.equal(login.status, 403, 'the right password no longer gets a code');
  t.equal(login.body.errorCode, 3108);
  const wrongPassword = await server.call('POST', '/v1/user/login', {
    body: { username: user.email, password: 'not the password at all' },
  });
  t.equal(wrongPassword.body.errorCode, 3000, 'a wrong password tells nothing about the lock');
  const before = server.countSentTo(user.phoneNumber);
  const reset = await server.call('GET', `/v1/user/forget-password?email=${encodeURIComponent(user.email)}`);
  const resetCode = await server.nextCode(user.phoneNumber, before);
  const password = 'the unlocked passphrase';
  await server.call('PUT', '/v1/user/change-password', {
    body: {
      sessionId: reset.body.data.sessionId,
      username: user.email,
      challengeType: 'SMS_OTP',
      password,
      passwordConfirm: password,
    },
  });
  t.equal(
    (await server.call('POST', '/v1/user/otp', { body: otpBody(user, reset.body.data.sessionId, resetCode) })).status,
    200,
  );
  t.equal(
    (await server.call('POST', '/v1/user/login', { body: { username: user.email, password } })).status,
    200,
    'after the reset, login works again',
  );
});
