/**
 * Passkeys end to end on the embedded default, real SQLite, with the software
 * authenticator in the browser's place: registered with the password or a
 * MANAGE_PASSKEYS step-up token, listed, logging in (the login answer's
 * options, the assertion to POST /v1/user/otp, tokens), removed; each refusal;
 * the phone told of each passkey added or removed; nothing secret in the logs.
 */
import t from 'tap';
import { errorCatalogue } from '@tessera/contracts';
import { SoftwareAuthenticator } from '@tessera/testing';
import { registerClient, signUpAndLogIn, tokenOf, type LoggedIn } from '../support/flows.ts';
import { DEV_CLIENT, newUser, startTestServer, type TestServer } from '../support/testServer.ts';

type User = ReturnType<typeof newUser>;

const origin = 'http://localhost:3000';
const relyingParties = { [DEV_CLIENT.clientId]: { id: 'localhost', name: 'Tessera', origins: [origin] } };

let server: TestServer;
t.before(async () => {
  // A small account lock, so that failed passkeys and wrong SMS codes reach it in a few steps.
  server = await startTestServer({
    PASSKEY_RELYING_PARTIES: JSON.stringify(relyingParties),
    OTP_ACCOUNT_LOCK_THRESHOLD: '4',
  });
});
t.teardown(() => server.close());

const codeOf = (error: keyof typeof errorCatalogue) => errorCatalogue[error].errorCode;

async function signedIn(): Promise<{ user: User; login: LoggedIn }> {
  const user = { ...newUser(), locale: 'en' };
  return { user, login: await signUpAndLogIn(server, user) };
}

/** Options for the login, answered by `authenticator`: the RegistrationResponseJSON the browser would send. */
async function created(login: LoggedIn, authenticator: SoftwareAuthenticator) {
  const options = await server.call('POST', '/v1/user/passkeys/options', { token: login.accessToken, body: {} });
  if (options.status !== 200) throw new Error(`options answered ${options.status}: ${JSON.stringify(options.body)}`);
  return authenticator.register(options.body.data.options);
}

const register = (login: LoggedIn, body: object) =>
  server.call('POST', '/v1/user/passkeys', { token: login.accessToken, body });

/** A passkey made and registered with the password. */
async function withPasskey(user: User, login: LoggedIn, authenticator = new SoftwareAuthenticator({ origin })) {
  const registered = await register(login, { response: await created(login, authenticator), password: user.password });
  if (registered.status !== 201) throw new Error(`register answered ${registered.status}`);
  return { authenticator, credentialId: registered.body.data.credentialId as string };
}

/** The password again: a login's session and, when the user has a passkey for this app, its request options. */
async function loginSession(user: User) {
  const login = await server.call('POST', '/v1/user/login', {
    body: { username: user.email, password: user.password },
  });
  if (login.status !== 200) throw new Error(`login answered ${login.status}: ${JSON.stringify(login.body)}`);
  return login.body.data as { sessionId: string; passkeyOptions?: { challenge: string; rpId?: string } };
}

const answer = (user: User, sessionId: string, passkeyResponse: unknown) =>
  server.call('POST', '/v1/user/otp', {
    body: { sessionId, username: user.email, challengeType: 'PASSKEY', passkeyResponse },
  });

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

t.test('a passkey registered with the password, listed, logging in without the SMS code, removed', async (t) => {
  const { user, login } = await signedIn();
  const authenticator = new SoftwareAuthenticator({ origin });
  const response = await created(login, authenticator);
  const registered = await register(login, { response, password: user.password });
  t.equal(registered.status, 201);
  t.equal(registered.headers.get('cache-control'), 'no-store');
  const { credentialId } = registered.body.data;
  t.equal(credentialId, authenticator.credentials[0]!.id);
  await eventually('the added notice', () => noticesTo(user).some((text) => /A passkey was just added/.test(text)));
  t.notOk(
    noticesTo(user).some((text) => text.includes(credentialId)),
    'the SMS names no credential',
  );

  const listed = await server.call('GET', '/v1/user/passkeys', { token: login.accessToken });
  t.match(listed.body.data.passkeys, [{ credentialId, transports: ['internal'], registeredAt: String }]);

  const session = await loginSession(user);
  t.match(session.passkeyOptions, { challenge: String, rpId: 'localhost', allowCredentials: [{ id: credentialId }] });
  const loggedIn = await answer(user, session.sessionId, authenticator.authenticate(session.passkeyOptions!));
  t.equal(loggedIn.status, 200, 'the passkey answers the login');
  t.match(loggedIn.body.data, { userId: login.userId, accessToken: String, refreshToken: String });
  const me = await server.call('GET', '/v1/user/me', { token: loggedIn.body.data.accessToken });
  t.equal(me.status, 200, 'its tokens work');

  const removed = await server.call('DELETE', `/v1/user/passkeys/${credentialId}`, { token: login.accessToken });
  t.equal(removed.status, 200);
  t.same(removed.body.data, { credentialId, removed: true });
  await eventually('the removed notice', () => noticesTo(user).some((text) => /A passkey was just removed/.test(text)));
  const after = await server.call('GET', '/v1/user/passkeys', { token: login.accessToken });
  t.same(after.body.data.passkeys, []);
  t.notOk((await loginSession(user)).passkeyOptions, 'a login offers no passkey any more');
  const again = await server.call('DELETE', `/v1/user/passkeys/${credentialId}`, { token: login.accessToken });
  t.equal(again.status, 404);
  t.equal(again.body.errorCode, codeOf('PASSKEY_NOT_FOUND'));
});

t.test('a passkey registered with a step-up token for MANAGE_PASSKEYS, once', async (t) => {
  const { user, login } = await signedIn();
  const stepUp = async (action: string) => {
    const before = server.countSentTo(user.phoneNumber);
    const started = await server.call('POST', '/v1/user/step-up', {
      token: login.accessToken,
      body: { password: user.password, action },
    });
    const code = await server.nextCode(user.phoneNumber, before);
    const verified = await server.call('POST', '/v1/user/otp', {
      body: { sessionId: started.body.data.sessionId, username: user.email, challengeType: 'SMS_OTP', code },
    });
    return verified.body.data.stepUpToken as string;
  };
  const otherAction = await register(login, {
    response: await created(login, new SoftwareAuthenticator({ origin })),
    stepUpToken: await stepUp('MANAGE_RECOVERY_CODES'),
  });
  t.equal(otherAction.status, 422);
  t.equal(otherAction.body.errorCode, codeOf('STEP_UP_ACTION_MISMATCH'), 'a token of another action is refused');

  const token = await stepUp('MANAGE_PASSKEYS');
  t.match(server.sentCodes().at(-1)?.text, /to add a passkey/, 'the step-up code says what it confirms');
  const registered = await register(login, {
    response: await created(login, new SoftwareAuthenticator({ origin })),
    stepUpToken: token,
  });
  t.equal(registered.status, 201);
  const twice = await register(login, {
    response: await created(login, new SoftwareAuthenticator({ origin })),
    stepUpToken: token,
  });
  t.equal(twice.status, 409);
  t.equal(twice.body.errorCode, codeOf('STEP_UP_TOKEN_ALREADY_USED'), 'the token works once');
});

t.test('a wrong password registers nothing and counts as at login', async (t) => {
  const { user, login } = await signedIn();
  const response = await created(login, new SoftwareAuthenticator({ origin }));
  const wrong = await register(login, { response, password: 'not the password at all' });
  t.equal(wrong.status, 401);
  t.equal(wrong.body.errorCode, codeOf('INVALID_CREDENTIALS'));
  const listed = await server.call('GET', '/v1/user/passkeys', { token: login.accessToken });
  t.same(listed.body.data.passkeys, [], 'nothing registered');
  const phished = await created(login, new SoftwareAuthenticator({ origin: 'http://localhost.phish:3000' }));
  const refused = await register(login, { response: phished, password: user.password });
  t.equal(refused.status, 422);
  t.equal(refused.body.errorCode, codeOf('PASSKEY_REGISTRATION_INVALID'), "another origin's registration");
});

t.test("a removed passkey, a replayed counter and another session's assertion are wrong answers", async (t) => {
  const { user, login } = await signedIn();
  const kept = await withPasskey(user, login);
  const removed = await withPasskey(user, login);
  await server.call('DELETE', `/v1/user/passkeys/${removed.credentialId}`, { token: login.accessToken });

  const session = await loginSession(user);
  const byRemoved = await answer(user, session.sessionId, removed.authenticator.authenticate(session.passkeyOptions!));
  t.equal(byRemoved.body.errorCode, codeOf('OTP_INVALID'), 'the removed passkey');
  const first = kept.authenticator.authenticate(session.passkeyOptions!);
  t.equal((await answer(user, session.sessionId, first)).status, 200, 'the kept one logs in');

  const next = await loginSession(user);
  const replayed = await answer(user, next.sessionId, first);
  t.equal(replayed.body.errorCode, codeOf('OTP_INVALID'), 'the assertion replayed on a new session');
  const stale = kept.authenticator.authenticate(next.passkeyOptions!, { counter: 1 });
  t.equal((await answer(user, next.sessionId, stale)).body.errorCode, codeOf('OTP_INVALID'), 'a counter not grown');

  const other = await loginSession(user);
  const forOther = kept.authenticator.authenticate(other.passkeyOptions!);
  const elsewhere = await loginSession(user);
  const crossed = await answer(user, elsewhere.sessionId, forOther);
  t.equal(crossed.body.errorCode, codeOf('OTP_INVALID'), "an assertion for another session's challenge");
});

t.test('failed passkeys count as wrong SMS codes: on the challenge and towards the account lock', async (t) => {
  const { user, login } = await signedIn();
  const { authenticator } = await withPasskey(user, login);
  const session = await loginSession(user);
  // Signed, but over another login's challenge.
  const elsewhere = await loginSession(user);
  const misdirected = () => authenticator.authenticate(elsewhere.passkeyOptions!);
  for (const attempt of [1, 2]) {
    const failed = await answer(user, session.sessionId, misdirected());
    t.equal(failed.body.errorCode, codeOf('OTP_INVALID'), `failed passkey ${attempt}`);
  }
  const wrongCode = await server.call('POST', '/v1/user/otp', {
    body: { sessionId: session.sessionId, username: user.email, challengeType: 'SMS_OTP', code: '0000' },
  });
  t.equal(wrongCode.body.errorCode, codeOf('OTP_INVALID'), 'a wrong SMS code after them');
  const closed = await answer(user, session.sessionId, authenticator.authenticate(session.passkeyOptions!));
  t.equal(closed.body.errorCode, codeOf('OTP_ATTEMPTS_EXHAUSTED'), 'three wrong answers of either kind close it');

  // The lock is at 4 wrong answers in a row on the account: three so far, the fourth locks it.
  const next = await loginSession(user);
  const locking = await answer(user, next.sessionId, misdirected());
  t.equal(locking.status, 403);
  t.equal(locking.body.errorCode, codeOf('ACCOUNT_LOCKED'));
});

t.test('a password reset takes no passkey, and a client without a relying party offers none', async (t) => {
  const { user, login } = await signedIn();
  const { authenticator } = await withPasskey(user, login);
  const session = await loginSession(user);
  const assertion = authenticator.authenticate(session.passkeyOptions!);
  const reset = await server.call('GET', `/v1/user/forget-password?email=${encodeURIComponent(user.email)}`);
  const onReset = await answer(user, reset.body.data.sessionId, assertion);
  t.equal(onReset.status, 422);
  t.equal(onReset.body.errorCode, codeOf('CHALLENGE_TYPE_MISMATCH'));
  t.equal((await answer(user, session.sessionId, assertion)).status, 200, 'nothing was counted: it still logs in');

  const partner = await tokenOf(server, await registerClient(server, 'no-passkeys', ['users:write', 'users:read']));
  const partnerUser = { ...newUser(), locale: 'en' };
  const partnerLogin = await signUpAndLogIn(server, partnerUser, { token: partner });
  const options = await server.call('POST', '/v1/user/passkeys/options', { token: partnerLogin.accessToken, body: {} });
  t.equal(options.status, 422);
  t.equal(options.body.errorCode, codeOf('PASSKEYS_NOT_OFFERED'));
  const partnerSession = await server.call('POST', '/v1/user/login', {
    token: partner,
    body: { username: partnerUser.email, password: partnerUser.password },
  });
  t.notOk(partnerSession.body.data.passkeyOptions, 'its logins carry no passkey options');
});

t.test('no credential id, public key or password appears in the logs', async (t) => {
  const { user, login } = await signedIn();
  const authenticator = new SoftwareAuthenticator({ origin });
  const response = await created(login, authenticator);
  await register(login, { response, password: user.password });
  const session = await loginSession(user);
  await answer(user, session.sessionId, authenticator.authenticate(session.passkeyOptions!));
  const logs = server.logs.join('');
  const { credentialId } = { credentialId: authenticator.credentials[0]!.id };
  t.notOk(logs.includes(credentialId), 'no credential id');
  t.notOk(logs.includes(response.response.attestationObject.slice(40, 120)), 'no attestation, and so no public key');
  t.notOk(logs.includes(user.password), 'no password');
  t.ok(logs.includes('/v1/user/passkeys'), 'the requests were logged');
});
