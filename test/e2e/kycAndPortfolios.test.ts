/**
 * After the account step: KYC through the provider's signed callback, then
 * portfolios on the validated account; forged, stale and replayed callbacks
 * change nothing; another API client can neither read nor act on these users.
 */
import t from 'tap';
import { signKycCallback } from '@tessera/gateway';
import { clientToken, signUpAndLogIn } from '../support/flows.ts';
import { newUser, startTestServer, type TestServer } from '../support/testServer.ts';

const SECRET = 'kyc-callback-secret-for-tests-0123456789';

async function callback(
  server: TestServer,
  body: unknown,
  options: { timestamp?: number; secret?: string; signature?: string } = {},
) {
  const raw = JSON.stringify(body);
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = options.signature ?? signKycCallback(options.secret ?? SECRET, timestamp, raw);
  const response = await fetch(`${server.url}/v1/kyc/callback`, {
    method: 'POST',
    body: raw,
    headers: {
      'content-type': 'application/json',
      'x-tessera-timestamp': String(timestamp),
      'x-tessera-signature': signature,
    },
  });
  return {
    status: response.status,
    body: (await response.json()) as { errorCode: number; data: Record<string, unknown> | null },
  };
}

t.test(
  'sign-up, login, code, KYC approved by a signed callback, two portfolios (TRADING first), and me shows them',
  async (t) => {
    const server = await startTestServer({ KYC_WEBHOOK_SECRET: SECRET });
    t.teardown(() => server.close());
    const user = newUser();
    const session = await signUpAndLogIn(server, user);
    const me = async () => (await server.call('GET', '/v1/user/me', { token: session.accessToken })).body.data;
    const mainAccount: string = (await me()).accounts[0].accountId;

    const early = await server.call('POST', '/v1/portfolio', { body: { accountId: mainAccount, name: 'Main' } });
    t.equal(early.status, 409, 'no portfolio before KYC');
    t.equal(early.body.errorCode, 3300);

    const started = await server.call('GET', '/v1/kyc/start', { token: session.accessToken });
    t.equal(started.status, 200);
    t.match(started.body.data, { numberOfAttempts: 1, attemptsLeft: 2 });
    const { identificationId, identificationUrl } = started.body.data as {
      identificationId: string;
      identificationUrl: string;
    };
    const devPage = await fetch(identificationUrl);
    t.match(await devPage.text(), /Approve/, "the dev provider's page is served where the user is sent");
    await new Promise((resolve) => setTimeout(resolve, 100));
    t.equal((await me()).kycStatus, 'PENDING');

    const verdict = { identificationId, status: 'APPROVED' };
    t.equal(
      (await callback(server, verdict, { secret: 'not the secret' })).body.errorCode,
      2003,
      'a forged signature is refused',
    );
    t.equal(
      (await callback(server, verdict, { signature: '' })).body.errorCode,
      2003,
      'an unsigned callback is refused',
    );
    t.equal(
      (await callback(server, verdict, { timestamp: Math.floor(Date.now() / 1000) - 600 })).body.errorCode,
      2004,
      'a stale one is refused',
    );
    t.equal((await me()).kycStatus, 'PENDING', 'and none of them changed anything');

    const timestamp = Math.floor(Date.now() / 1000);
    const accepted = await callback(server, verdict, { timestamp });
    t.equal(accepted.status, 200);
    t.same(accepted.body.data, { identificationId, kycStatus: 'APPROVED' });
    const replayed = await callback(server, verdict, { timestamp });
    t.equal(replayed.status, 409, 'the same delivery again is a replay');
    t.equal(replayed.body.errorCode, 2005);
    await new Promise((resolve) => setTimeout(resolve, 100));
    t.match(await me(), {
      kycStatus: 'APPROVED',
      userAccountStatus: 'ACTIVE',
      accounts: [{ accountId: mainAccount, status: 'ACTIVE' }],
    });

    const first = await server.call('POST', '/v1/portfolio', { body: { accountId: mainAccount, name: 'Main' } });
    const second = await server.call('POST', '/v1/portfolio', { body: { accountId: mainAccount, name: 'Savings' } });
    t.equal(first.status, 200);
    t.match(first.body.data, {
      accountId: mainAccount,
      name: 'Main',
      portfolioAccountType: 'TRADING',
      publicAddress: /^[1-9A-HJ-NP-Za-km-z]{32,44}$/,
    });
    t.match(second.body.data, { name: 'Savings', portfolioAccountType: 'STANDARD' });
    t.not(first.body.data.publicAddress, second.body.data.publicAddress, 'each portfolio has its own address');
    t.equal(
      (await server.call('POST', '/v1/portfolio', { body: { accountId: mainAccount, name: 'main' } })).body.errorCode,
      3305,
      'names are unique per account',
    );
    t.same((await server.call('GET', `/v1/portfolio/${first.body.data.portfolioId}`)).body.data, first.body.data);
    const account = await server.call('GET', `/v1/account/${mainAccount}`);
    t.match(account.body.data, {
      status: 'ACTIVE',
      portfolios: [
        { name: 'Main', portfolioAccountType: 'TRADING' },
        { name: 'Savings', portfolioAccountType: 'STANDARD' },
      ],
    });
    const profile = await me();
    t.same(
      profile.portfolios.map((portfolio: { name: string }) => portfolio.name),
      ['Main', 'Savings'],
      'me lists both portfolios',
    );

    const sub = await server.call('POST', '/v1/account', { body: { userId: session.userId } });
    t.match(sub.body.data, { kind: 'SUB', status: 'ACTIVE' }, 'after approval a new account is valid at once');
    t.equal(
      (await server.call('POST', '/v1/portfolio', { body: { accountId: sub.body.data.accountId, name: 'Main' } })).body
        .data.portfolioAccountType,
      'TRADING',
      'the first of each account is TRADING',
    );
    t.equal(
      (await server.call('GET', '/v1/kyc/start', { token: session.accessToken })).body.errorCode,
      3301,
      'an approved user starts no new identification',
    );
  },
);

t.test('a rejection through the dev page, limited attempts, and manual activation by an account manager', async (t) => {
  const server = await startTestServer({ KYC_WEBHOOK_SECRET: SECRET, KYC_MAX_ATTEMPTS: '2' });
  t.teardown(() => server.close());
  const manager = await clientToken(server, 'acme-bank', ['users:write', 'users:read', 'accounts:manage']);
  const session = await signUpAndLogIn(server, newUser(), { token: manager });
  const started = await server.call('GET', '/v1/kyc/start', { token: session.accessToken });
  const page = await fetch(`${server.url}/dev/kyc/${started.body.data.identificationId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'status=REJECTED&reason=document+expired',
  });
  t.match(await page.text(), /Verdict REJECTED recorded/, 'the dev page sends a signed callback');
  await new Promise((resolve) => setTimeout(resolve, 100));
  const me = async () => (await server.call('GET', '/v1/user/me', { token: session.accessToken })).body.data;
  t.match(await me(), { kycStatus: 'REJECTED', userAccountStatus: 'PENDING_KYC' });
  t.match((await server.call('GET', '/v1/kyc/start', { token: session.accessToken })).body.data, {
    numberOfAttempts: 2,
    attemptsLeft: 0,
  });
  const exhausted = await server.call('GET', '/v1/kyc/start', { token: session.accessToken });
  t.equal(exhausted.status, 403);
  t.equal(exhausted.body.errorCode, 3302, 'attempts are limited');

  const accountId: string = (await me()).accounts[0].accountId;
  const withoutScope = await server.call('POST', `/v1/admin/accounts/${accountId}/activate`, {
    body: { note: 'verified by phone' },
  });
  t.equal(withoutScope.body.errorCode, 2001, 'manual activation needs the account-manager scope');
  const activated = await server.call('POST', `/v1/admin/accounts/${accountId}/activate`, {
    token: manager,
    body: { note: 'verified by phone' },
  });
  t.equal(activated.status, 200);
  t.match(activated.body.data, { accountId, status: 'ACTIVE' });
  t.equal(
    (await server.call('POST', '/v1/portfolio', { token: manager, body: { accountId, name: 'Main' } })).status,
    200,
    'then portfolios can be made',
  );
});

t.test('another API client can neither read nor act on these users', async (t) => {
  const server = await startTestServer({ KYC_WEBHOOK_SECRET: SECRET });
  t.teardown(() => server.close());
  const other = await clientToken(server, 'other-bank', ['users:write', 'users:read', 'accounts:manage']);
  const session = await signUpAndLogIn(server, newUser());
  const started = await server.call('GET', '/v1/kyc/start', { token: session.accessToken });
  await callback(server, { identificationId: started.body.data.identificationId, status: 'APPROVED' });
  await new Promise((resolve) => setTimeout(resolve, 100));
  const me = (await server.call('GET', '/v1/user/me', { token: session.accessToken })).body.data;
  const accountId: string = me.accounts[0].accountId;
  const portfolio = await server.call('POST', '/v1/portfolio', { body: { accountId, name: 'Main' } });
  t.equal(portfolio.status, 200);

  t.equal(
    (await server.call('GET', `/v1/account/${accountId}`, { token: other })).body.errorCode,
    4001,
    'reading the account',
  );
  t.equal(
    (await server.call('GET', `/v1/portfolio/${portfolio.body.data.portfolioId}`, { token: other })).body.errorCode,
    4002,
    'reading the portfolio',
  );
  t.equal(
    (await server.call('POST', '/v1/portfolio', { token: other, body: { accountId, name: 'Theirs' } })).body.errorCode,
    4001,
    'making a portfolio',
  );
  t.equal(
    (await server.call('POST', '/v1/account', { token: other, body: { userId: session.userId } })).body.errorCode,
    4000,
    'opening an account',
  );
  t.equal(
    (await server.call('POST', `/v1/admin/accounts/${accountId}/activate`, { token: other, body: { note: 'x' } })).body
      .errorCode,
    4001,
    'activating',
  );
  t.equal((await server.call('GET', `/v1/account/${accountId}`)).status, 200, 'while its own client reads it');
});
