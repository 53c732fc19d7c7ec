/**
 * Strong customer authentication for a withdrawal, end to end on the embedded
 * default: the user confirms it with the password and an SMS code that states
 * the amount and the destination; the payment service verifies the step-up
 * token with `jose` as any resource server would, and consumes it exactly once,
 * for exactly that transaction.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { clientToken, signUpAndLogIn, type LoggedIn } from '../support/flows.ts';
import { newUser, startTestServer, type TestServer } from '../support/testServer.ts';

let server: TestServer;
let partner: string;
t.before(async () => {
  server = await startTestServer();
  partner = await server.clientToken();
});
t.teardown(() => server.close());

const withdrawal = { amount: '150.00', currency: 'EUR', destination: 'FR7630006000011234567890189' };
const withdraw = { action: 'WITHDRAW', transaction: withdrawal };

/** The recipe of docs/downstream-consumers.md, written out as a payment service would: not Tessera's own code. */
function transactionHash(transaction: { amount: string; currency: string; destination: string }): string {
  const amount = transaction.amount.includes('.')
    ? transaction.amount.replace(/0+$/, '').replace(/\.$/, '')
    : transaction.amount;
  const canonical = JSON.stringify({ amount, currency: transaction.currency, destination: transaction.destination });
  return createHash('sha256').update(canonical, 'utf8').digest('base64url');
}

interface SteppedUp {
  stepUpToken: string;
  text: string;
}

/** Asks for a step-up and answers its SMS code: the token, and the text the user read. */
async function stepUp(user: ReturnType<typeof newUser>, login: LoggedIn, body: object = withdraw): Promise<SteppedUp> {
  const before = server.countSentTo(user.phoneNumber);
  const started = await server.call('POST', '/v1/user/step-up', {
    token: login.accessToken,
    body: { password: user.password, ...body },
  });
  if (started.status !== 200) throw new Error(`step-up answered ${started.status}: ${JSON.stringify(started.body)}`);
  const code = await server.nextCode(user.phoneNumber, before);
  const text =
    server
      .sentCodes()
      .filter((sms) => sms.to === user.phoneNumber)
      .at(-1)?.text ?? '';
  const verified = await server.call('POST', '/v1/user/otp', {
    token: partner,
    body: { sessionId: started.body.data.sessionId, username: user.email, challengeType: 'SMS_OTP', code },
  });
  if (verified.status !== 200) throw new Error(`otp answered ${verified.status}: ${JSON.stringify(verified.body)}`);
  return { stepUpToken: verified.body.data.stepUpToken, text };
}

const consume = (stepUpToken: string, body: object = withdraw, token = partner) =>
  server.call('POST', '/v1/step-up/consume', { token, body: { stepUpToken, ...body } });

const introspect = async (token: string) => {
  const response = await fetch(`${server.url}/oauth/introspect`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from('test-client:test-client-secret-0123456789').toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: `token=${encodeURIComponent(token)}`,
  });
  return (await response.json()) as { active: boolean };
};

t.test('a withdrawal confirmed by SMS is consumed once, for exactly its transaction', async (t) => {
  const user = { ...newUser(), locale: 'en' };
  const login = await signUpAndLogIn(server, user, { token: partner });
  const { stepUpToken, text } = await stepUp(user, login);

  t.match(text, /code \d+ to withdraw 150 EUR to …0189/, 'the SMS states the amount and the end of the destination');
  t.notOk(text.includes(withdrawal.destination), 'but not the whole destination');

  t.test('the payment service verifies it offline with jose, through the discovery document', async (t) => {
    const metadata = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as {
      issuer: string;
      jwks_uri: string;
    };
    const { payload, protectedHeader } = await jwtVerify(stepUpToken, createRemoteJWKSet(new URL(metadata.jwks_uri)), {
      issuer: metadata.issuer,
      audience: metadata.issuer,
      typ: 'step-up+jwt',
      algorithms: ['EdDSA'],
      requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id', 'auth_time'],
    });
    t.equal(protectedHeader.typ, 'step-up+jwt');
    t.match(payload, {
      sub: login.userId,
      client_id: 'test-client',
      acr: 'urn:tessera:acr:sca',
      amr: ['pwd', 'sms'],
      action: 'WITHDRAW',
      txn: transactionHash(withdrawal),
    });
    t.ok(Number(payload.exp) - Number(payload.iat) <= 300, 'it lasts at most five minutes');
    await t.rejects(
      jwtVerify(stepUpToken, createRemoteJWKSet(new URL(metadata.jwks_uri)), { typ: 'at+jwt' }),
      'it never passes for an access token',
    );
  });

  const me = await server.call('GET', '/v1/user/me', { token: stepUpToken });
  t.equal(me.status, 401, 'the gateway refuses it as an access token');
  const notAStepUp = await consume(login.accessToken);
  t.equal(notAStepUp.body.errorCode, 3401, 'an access token is no step-up token');

  t.same(await introspect(stepUpToken), { ...(await introspect(stepUpToken)), active: true }, 'active before use');
  const otherAmount = await consume(stepUpToken, { ...withdraw, transaction: { ...withdrawal, amount: '1500.00' } });
  t.equal(otherAmount.status, 422);
  t.equal(otherAmount.body.errorCode, 3406, 'another amount: STEP_UP_TRANSACTION_MISMATCH');
  const otherDestination = await consume(stepUpToken, {
    ...withdraw,
    transaction: { ...withdrawal, destination: 'FR7630006000011234567890188' },
  });
  t.equal(otherDestination.body.errorCode, 3406, 'another destination: STEP_UP_TRANSACTION_MISMATCH');
  const otherAction = await consume(stepUpToken, { action: 'CONVERT', transaction: withdrawal });
  t.equal(otherAction.body.errorCode, 3405, 'another action: STEP_UP_ACTION_MISMATCH');
  const otherClient = await consume(stepUpToken, withdraw, await clientToken(server, 'other-bank', ['users:write']));
  t.equal(otherClient.status, 403);
  t.equal(otherClient.body.errorCode, 3401, 'another client: STEP_UP_TOKEN_INVALID');

  const used = await consume(stepUpToken, { ...withdraw, transaction: { ...withdrawal, amount: '150' } });
  t.equal(used.status, 200, '150 is 150.00: the same transaction');
  t.match(used.body.data, { userId: login.userId, action: 'WITHDRAW', consumed: true, tokenId: String });
  t.same(await introspect(stepUpToken), { active: false }, 'inactive at once once consumed');
  const again = await consume(stepUpToken);
  t.equal(again.status, 409);
  t.equal(again.body.errorCode, 3402, 'again: STEP_UP_TOKEN_ALREADY_USED');
});

t.test('a step-up token expires, and dies with its login', async (t) => {
  const user = newUser();
  const login = await signUpAndLogIn(server, user, { token: partner });
  const expiring = await stepUp(user, login);
  const revoked = await stepUp(user, login, {
    action: 'ADD_BENEFICIARY',
    transaction: { destination: 'Grace Hopper' },
  });
  t.match(revoked.text, /code \d+ pour ajouter le bénéficiaire …pper/, 'in the language of the phone number');

  await server.call('POST', '/v1/user/logout', { token: login.accessToken });
  const afterLogout = await consume(revoked.stepUpToken, {
    action: 'ADD_BENEFICIARY',
    transaction: { destination: 'Grace Hopper' },
  });
  t.equal(afterLogout.body.errorCode, 3404, 'its login ended: STEP_UP_TOKEN_REVOKED');
  t.same(await introspect(revoked.stepUpToken), { active: false });

  server.advanceClock(301);
  const late = await consume(expiring.stepUpToken);
  t.equal(late.body.errorCode, 3403, 'past five minutes: STEP_UP_TOKEN_EXPIRED');
});

t.test('the password is checked as at login, and the code as any code', async (t) => {
  const user = newUser();
  const login = await signUpAndLogIn(server, user, { token: partner });
  const wrong = await server.call('POST', '/v1/user/step-up', {
    token: login.accessToken,
    body: { password: 'not the password at all', ...withdraw },
  });
  t.equal(wrong.status, 401);
  t.equal(wrong.body.errorCode, 3000, 'INVALID_CREDENTIALS');

  const started = await server.call('POST', '/v1/user/step-up', {
    token: login.accessToken,
    body: { password: user.password, ...withdraw },
  });
  const answers = [];
  for (let attempt = 0; attempt < 4; attempt += 1) {
    const answer = await server.call('POST', '/v1/user/otp', {
      token: partner,
      body: { sessionId: started.body.data.sessionId, username: user.email, challengeType: 'SMS_OTP', code: '0000' },
    });
    answers.push(answer.body.errorCode);
  }
  t.same(answers, [3100, 3100, 3100, 3103], 'three wrong codes, then the challenge is spent');

  const unshaped = await server.call('POST', '/v1/user/step-up', {
    token: login.accessToken,
    body: { password: user.password, action: 'WITHDRAW', transaction: { destination: 'FR76' } },
  });
  t.equal(unshaped.status, 400, 'a withdrawal without amount breaks the schema');
});

t.test('neither the transaction nor the tokens are kept in clear, nor logged', async (t) => {
  const user = newUser();
  const login = await signUpAndLogIn(server, user, { token: partner });
  const { stepUpToken } = await stepUp(user, login);
  t.equal((await consume(stepUpToken)).status, 200);
  const logs = server.logs.join('');
  const stores = readdirSync(server.dataDir).filter((name) => /\.sqlite(-wal)?$/.test(name));
  for (const secret of [withdrawal.destination, transactionHash(withdrawal), stepUpToken, user.password]) {
    t.notOk(logs.includes(secret), 'not in the logs');
    for (const name of stores)
      t.notOk(readFileSync(path.join(server.dataDir, name)).toString('latin1').includes(secret), `not in ${name}`);
  }
});

t.test(
  'a consume retried with its Idempotency-Key gets the first answer again, and consumes nothing more',
  async (t) => {
    const user = newUser();
    const login = await signUpAndLogIn(server, user, { token: partner });
    const { stepUpToken } = await stepUp(user, login);
    const headers = { 'idempotency-key': `consume-${login.userId}` };
    const call = () =>
      server.call('POST', '/v1/step-up/consume', { token: partner, headers, body: { stepUpToken, ...withdraw } });
    const first = await call();
    const retried = await call();
    t.equal(first.status, 200);
    t.equal(retried.status, 200, 'the lost answer is answered again');
    t.equal(retried.headers.get('idempotent-replayed'), 'true');
    t.same(retried.body, first.body);
    t.equal((await consume(stepUpToken)).body.errorCode, 3402, 'without the key, a second use is refused');
  },
);
