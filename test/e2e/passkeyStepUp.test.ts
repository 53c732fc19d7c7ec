/**
 * A withdrawal confirmed with a passkey instead of the SMS code, end to end on
 * the embedded default with the software authenticator: the step-up's answer
 * carries request options whose challenge is bound to the transaction, the
 * assertion answers POST /v1/user/otp, the step-up token says a passkey
 * answered (`amr`), and it is consumed once for exactly its transaction.
 */
import t from 'tap';
import { decodeJwt } from 'jose';
import { errorCatalogue } from '@tessera/contracts';
import { SoftwareAuthenticator } from '@tessera/testing';
import { signUpAndLogIn, type LoggedIn } from '../support/flows.ts';
import { DEV_CLIENT, newUser, startTestServer, type TestServer } from '../support/testServer.ts';

type User = ReturnType<typeof newUser>;

const origin = 'http://localhost:3000';
const relyingParties = { [DEV_CLIENT.clientId]: { id: 'localhost', name: 'Tessera', origins: [origin] } };

let server: TestServer;
let partner: string;
t.before(async () => {
  server = await startTestServer({ PASSKEY_RELYING_PARTIES: JSON.stringify(relyingParties) });
  partner = await server.clientToken();
});
t.teardown(() => server.close());

const codeOf = (error: keyof typeof errorCatalogue) => errorCatalogue[error].errorCode;
const withdrawal = { amount: '150.00', currency: 'EUR', destination: 'FR7630006000011234567890189' };
const withdraw = { action: 'WITHDRAW', transaction: withdrawal };

/** A signed-in user with one passkey for the test client's relying party. */
async function withPasskey(): Promise<{ user: User; login: LoggedIn; authenticator: SoftwareAuthenticator }> {
  const user = { ...newUser(), locale: 'en' };
  const login = await signUpAndLogIn(server, user, { token: partner });
  const authenticator = new SoftwareAuthenticator({ origin });
  const options = await server.call('POST', '/v1/user/passkeys/options', { token: login.accessToken, body: {} });
  const response = authenticator.register(options.body.data.options);
  const registered = await server.call('POST', '/v1/user/passkeys', {
    token: login.accessToken,
    body: { response, password: user.password },
  });
  if (registered.status !== 201) throw new Error(`register answered ${registered.status}`);
  return { user, login, authenticator };
}

/** Asks for a step-up: its session and the passkey request options bound to its transaction. */
async function askStepUp(user: User, login: LoggedIn, body: object = withdraw) {
  const started = await server.call('POST', '/v1/user/step-up', {
    token: login.accessToken,
    body: { password: user.password, ...body },
  });
  if (started.status !== 200) throw new Error(`step-up answered ${started.status}: ${JSON.stringify(started.body)}`);
  return started.body.data as { sessionId: string; passkeyOptions?: { challenge: string } };
}

const answer = (user: User, sessionId: string, passkeyResponse: unknown) =>
  server.call('POST', '/v1/user/otp', {
    token: partner,
    body: { sessionId, username: user.email, challengeType: 'PASSKEY', passkeyResponse },
  });

const consume = (stepUpToken: string, body: object = withdraw) =>
  server.call('POST', '/v1/step-up/consume', { token: partner, body: { stepUpToken, ...body } });

t.test('a withdrawal confirmed with a passkey: its token says so, and is spent once on exactly it', async (t) => {
  const { user, login, authenticator } = await withPasskey();
  const stepUp = await askStepUp(user, login);
  t.ok(stepUp.passkeyOptions, 'the step-up answer offers the passkey');
  const confirmed = await answer(user, stepUp.sessionId, authenticator.authenticate(stepUp.passkeyOptions!));
  t.equal(confirmed.status, 200, 'the passkey answers the step-up without the SMS code');
  const stepUpToken = confirmed.body.data.stepUpToken as string;
  const claims = decodeJwt(stepUpToken);
  t.same(claims.amr, ['pwd', 'pop', 'user'], 'the token names the password and the passkey, not the SMS');
  t.equal(claims.acr, 'urn:tessera:acr:sca');
  t.equal(claims.action, 'WITHDRAW');

  const otherAmount = await consume(stepUpToken, { ...withdraw, transaction: { ...withdrawal, amount: '1500.00' } });
  t.equal(otherAmount.body.errorCode, codeOf('STEP_UP_TRANSACTION_MISMATCH'), 'another amount is refused');
  t.equal((await consume(stepUpToken)).status, 200, 'its own transaction is consumed');
  t.equal((await consume(stepUpToken)).body.errorCode, codeOf('STEP_UP_TOKEN_ALREADY_USED'), 'once');
});

t.test('an assertion made for one transaction does not confirm another, and counts as a wrong code', async (t) => {
  const { user, login, authenticator } = await withPasskey();
  const small = await askStepUp(user, login);
  const large = await askStepUp(user, login, {
    action: 'WITHDRAW',
    transaction: { ...withdrawal, amount: '9500.00' },
  });
  t.not(small.passkeyOptions!.challenge, large.passkeyOptions!.challenge, 'each transaction has its own challenge');
  // The user approved the small withdrawal; the assertion is sent against the large one's session.
  const lifted = await answer(user, large.sessionId, authenticator.authenticate(small.passkeyOptions!));
  t.equal(lifted.status, 401);
  t.equal(lifted.body.errorCode, codeOf('OTP_INVALID'), 'the approval is not lifted onto another payment');
  const own = await answer(user, large.sessionId, authenticator.authenticate(large.passkeyOptions!));
  t.equal(own.status, 200, 'its own assertion still answers: one wrong answer of three');
});

t.test(
  'a step-up asked by a user without a passkey offers none, and a passkey answer there is a wrong code',
  async (t) => {
    const user = { ...newUser(), locale: 'en' };
    const login = await signUpAndLogIn(server, user, { token: partner });
    const stepUp = await askStepUp(user, login);
    t.notOk(stepUp.passkeyOptions, 'no options without a passkey');
    // Another user's passkey, signing whatever challenge it is shown.
    const { authenticator: stranger } = await withPasskey();
    const forged = stranger.authenticate({ challenge: 'c3RyYW5nZXI', rpId: 'localhost' });
    const refused = await answer(user, stepUp.sessionId, forged);
    t.equal(refused.body.errorCode, codeOf('OTP_INVALID'), "another user's passkey is a wrong code");
  },
);
