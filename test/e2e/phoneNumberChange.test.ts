/**
 * Changing the phone number end to end on the embedded default: the password
 * (or a step-up token naming the new number), a code to the new number, the
 * notice to the old one, the other logins ended, and the cooling-off that
 * holds withdrawals back while a SIM swap would still be fresh.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { errorCatalogue, maskPhoneNumber, type ErrorName } from '@tessera/contracts';
import { signUpAndLogIn, type LoggedIn } from '../support/flows.ts';
import { newUser, startTestServer, type TestServer } from '../support/testServer.ts';

let server: TestServer;
t.before(async () => {
  server = await startTestServer();
});
t.teardown(() => server.close());

type User = ReturnType<typeof newUser> & { locale?: string };

const lastSmsTo = (phone: string) =>
  server
    .sentCodes()
    .filter((sms) => sms.to === phone)
    .at(-1)?.text ?? '';

/** Asks for the change; answers the started challenge and how many SMS the new number had before. */
async function startChange(login: LoggedIn, body: object) {
  const phoneNumber = (body as { phoneNumber: string }).phoneNumber;
  const before = server.countSentTo(phoneNumber);
  const started = await server.call('POST', '/v1/user/phone-number', { token: login.accessToken, body });
  return { started, before };
}

const answer = (user: User, sessionId: string, code: string) =>
  server.call('POST', '/v1/user/otp', {
    body: { sessionId, username: user.email, challengeType: 'SMS_OTP', code },
  });

/** The catalogue's number for an error: what the envelope's `errorCode` carries. */
const errorCodeOf = (name: ErrorName) => errorCatalogue[name].errorCode;

const wrongCodeOf = (code: string) => (code === '0000' ? '1111' : '0000');

t.test('a phone number changed with the password and the code sent to the new number', async (t) => {
  const user: User = { ...newUser(), locale: 'en' };
  const login = await signUpAndLogIn(server, user);
  const otherLogin = await signUpAndLogIn(server, user, { signUp: false });
  const newNumber = newUser().phoneNumber;

  const { started, before } = await startChange(login, { phoneNumber: newNumber, password: user.password });
  t.equal(started.status, 200, JSON.stringify(started.body));
  t.equal(
    started.body.data.codeDeliveryDestination,
    maskPhoneNumber(newNumber),
    'the answer names the new number, masked',
  );
  const code = await server.nextCode(newNumber, before);
  t.match(lastSmsTo(newNumber), /is your Tessera code to make this your phone number/, 'the new number is asked');

  const wrong = await answer(user, started.body.data.sessionId, wrongCodeOf(code));
  t.equal(wrong.status, 401, 'a wrong code is refused as at login');
  t.equal(wrong.body.errorCode, errorCodeOf('OTP_INVALID'));

  const committed = await answer(user, started.body.data.sessionId, code);
  t.equal(committed.status, 200, JSON.stringify(committed.body));
  t.same(committed.body.data, { userId: login.userId, phoneNumberChanged: true, phoneNumber: newNumber });

  const me = await server.call('GET', '/v1/user/me', { token: login.accessToken });
  t.equal(me.body.data.phoneNumber, newNumber, 'me shows the new number');
  t.equal(me.body.data.phoneVerified, true, 'proven by its code');

  const notice = await eventuallySms(user.phoneNumber, /phone number was changed/);
  t.equal(
    notice,
    `Your Tessera phone number was changed to …${newNumber.slice(-4)}. If this was not you, contact support now.`,
    'the old number is told where the number moved',
  );

  const refreshed = await server.call('POST', '/v1/user/refresh', {
    body: { username: user.email, refreshToken: otherLogin.refreshToken },
  });
  t.equal(refreshed.status, 401, 'every other login has ended');

  const withdraw = await server.call('POST', '/v1/user/step-up', {
    token: login.accessToken,
    body: {
      password: user.password,
      action: 'WITHDRAW',
      transaction: { amount: '10', currency: 'EUR', destination: 'FR7630006000011234567890189' },
    },
  });
  t.equal(withdraw.status, 403, 'a withdrawal waits for the cooling-off');
  t.equal(withdraw.body.errorCode, errorCodeOf('STEP_UP_COOLING_OFF'));
  const retryAfter = Number(withdraw.headers.get('retry-after'));
  t.ok(retryAfter > 86_000 && retryAfter <= 86_400, `told when to come back (${retryAfter} s)`);

  const beforeConvert = server.countSentTo(newNumber);
  const convert = await server.call('POST', '/v1/user/step-up', {
    token: login.accessToken,
    body: {
      password: user.password,
      action: 'CONVERT',
      transaction: { amount: '10', currency: 'EUR', destination: 'BTC' },
    },
  });
  t.equal(convert.status, 200, 'a conversion keeps the money in the wallet: allowed');
  await server.nextCode(newNumber, beforeConvert);
  t.match(lastSmsTo(newNumber), /to convert 10 EUR to …BTC/, 'its code goes to the new number');

  const beforeLogin = server.countSentTo(newNumber);
  const oldNumberSms = server.countSentTo(user.phoneNumber);
  await signUpAndLogIn(server, { ...user, phoneNumber: newNumber }, { signUp: false });
  t.ok(server.countSentTo(newNumber) > beforeLogin, 'login codes go to the new number');
  t.equal(server.countSentTo(user.phoneNumber), oldNumberSms, 'and none to the old one');

  const someoneElse = { ...newUser(), phoneNumber: user.phoneNumber };
  const signUp = await server.call('POST', '/v1/user/sign-up', { body: someoneElse });
  t.equal(signUp.status, 200, 'the number given up is free for anyone again');

  server.advanceClock(86_401);
  const later = await server.call('POST', '/v1/user/step-up', {
    token: (await signUpAndLogIn(server, { ...user, phoneNumber: newNumber }, { signUp: false })).accessToken,
    body: {
      password: user.password,
      action: 'ADD_BENEFICIARY',
      transaction: { destination: 'FR7630006000011234567890189' },
    },
  });
  t.equal(later.status, 200, 'once the cooling-off is over, a beneficiary may be added');

  t.notOk(
    server.logs.some((line) => line.includes(newNumber) || line.includes(user.phoneNumber)),
    'no phone number in the logs',
  );
  for (const name of readdirSync(server.dataDir).filter((file) => /^events\.sqlite(-wal)?$/.test(file))) {
    const stored = readFileSync(path.join(server.dataDir, name)).toString('latin1');
    t.notOk(stored.includes(newNumber), `${name} holds the new number only encrypted`);
  }
});

async function eventuallySms(phone: string, pattern: RegExp): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const text = server
      .sentCodes()
      .filter((sms) => sms.to === phone && pattern.test(sms.text))
      .at(-1)?.text;
    if (text) return text;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no SMS matching ${pattern} to the number`);
}

t.test('a wrong password changes nothing and sends nothing', async (t) => {
  const user = newUser();
  const login = await signUpAndLogIn(server, user);
  const newNumber = newUser().phoneNumber;
  const { started } = await startChange(login, { phoneNumber: newNumber, password: 'not the password at all' });
  t.equal(started.status, 401);
  t.equal(started.body.errorCode, errorCodeOf('INVALID_CREDENTIALS'));
  t.equal(server.countSentTo(newNumber), 0, 'no code to the new number');
});

t.test("another user's number is refused, before any SMS", async (t) => {
  const user = newUser();
  const other = newUser();
  const login = await signUpAndLogIn(server, user);
  await signUpAndLogIn(server, other);
  const before = server.countSentTo(other.phoneNumber);
  const { started } = await startChange(login, { phoneNumber: other.phoneNumber, password: user.password });
  t.equal(started.status, 409);
  t.equal(started.body.errorCode, errorCodeOf('PHONE_NUMBER_TAKEN'));
  t.equal(server.countSentTo(other.phoneNumber), before, 'its owner gets no SMS');
  const same = await startChange(login, { phoneNumber: user.phoneNumber, password: user.password });
  t.equal(same.started.body.errorCode, errorCodeOf('PHONE_NUMBER_UNCHANGED'), 'nor is the current number a change');
});

t.test('a number another user took while the code was on its way is refused at the code', async (t) => {
  const user = newUser();
  const login = await signUpAndLogIn(server, user);
  const newNumber = newUser().phoneNumber;
  const { started, before } = await startChange(login, { phoneNumber: newNumber, password: user.password });
  const code = await server.nextCode(newNumber, before);
  const quicker = await server.call('POST', '/v1/user/sign-up', { body: { ...newUser(), phoneNumber: newNumber } });
  t.equal(quicker.status, 200, 'an unproven request holds no number');
  const committed = await answer(user, started.body.data.sessionId, code);
  t.equal(committed.status, 409);
  t.equal(committed.body.errorCode, errorCodeOf('PHONE_NUMBER_TAKEN'));
  const me = await server.call('GET', '/v1/user/me', { token: login.accessToken });
  t.equal(me.body.data.phoneNumber, user.phoneNumber, 'the number stays as it was');
});

t.test('wrong codes count towards the challenge cap as login codes do', async (t) => {
  const user = newUser();
  const login = await signUpAndLogIn(server, user);
  const newNumber = newUser().phoneNumber;
  const { started, before } = await startChange(login, { phoneNumber: newNumber, password: user.password });
  const code = await server.nextCode(newNumber, before);
  for (let attempt = 0; attempt < 3; attempt += 1) await answer(user, started.body.data.sessionId, wrongCodeOf(code));
  const exhausted = await answer(user, started.body.data.sessionId, code);
  t.equal(
    exhausted.body.errorCode,
    errorCodeOf('OTP_ATTEMPTS_EXHAUSTED'),
    'the fourth try is refused, even with the right code',
  );
});

t.test('a step-up token naming the new number stands for the password, once', async (t) => {
  const user: User = { ...newUser(), locale: 'en' };
  const login = await signUpAndLogIn(server, user);
  const newNumber = newUser().phoneNumber;
  const beforeStepUp = server.countSentTo(user.phoneNumber);
  const stepUp = await server.call('POST', '/v1/user/step-up', {
    token: login.accessToken,
    body: { password: user.password, action: 'CHANGE_PHONE_NUMBER', transaction: { destination: newNumber } },
  });
  t.equal(stepUp.status, 200, JSON.stringify(stepUp.body));
  const stepUpCode = await server.nextCode(user.phoneNumber, beforeStepUp);
  t.match(
    lastSmsTo(user.phoneNumber),
    new RegExp(`code \\d+ to change your phone number to …${newNumber.slice(-4)}`),
    'the current phone is told which number the account moves to',
  );
  const verified = await answer(user, stepUp.body.data.sessionId, stepUpCode);
  const { stepUpToken } = verified.body.data;

  const otherNumber = newUser().phoneNumber;
  const mismatch = await startChange(login, { phoneNumber: otherNumber, stepUpToken });
  t.equal(mismatch.started.body.errorCode, errorCodeOf('STEP_UP_TRANSACTION_MISMATCH'), 'it is for that number only');

  const { started, before } = await startChange(login, { phoneNumber: newNumber, stepUpToken });
  t.equal(started.status, 200, JSON.stringify(started.body));
  const again = await startChange(login, { phoneNumber: newNumber, stepUpToken });
  t.equal(again.started.body.errorCode, errorCodeOf('STEP_UP_TOKEN_ALREADY_USED'), 'and works once');
  const code = await server.nextCode(newNumber, before);
  const committed = await answer(user, started.body.data.sessionId, code);
  t.equal(committed.body.data.phoneNumber, newNumber);
});
