/**
 * Passkeys in a real browser: headless Chromium opens the development page
 * (/dev/passkeys) on http://localhost:<port>, a secure context, logs a user in
 * with the SMS code, registers a passkey on Chrome's virtual authenticator,
 * forgets its tokens and logs in again with the passkey alone. The server is
 * the embedded default with the test client's relying party for that origin.
 *
 * Needs a Chromium (scripts/installBrowser.mjs, `npm run browser:install`).
 * Without one the file is skipped, with the reason, except in CI (CI=true),
 * where that is a failure.
 */
import { createServer } from 'node:net';
import t, { type Test } from 'tap';
import type { Page } from 'playwright-core';
import { eventually } from '@tessera/testing';
import { findChromium, launchWithVirtualAuthenticator, type BrowserSession } from '../support/chromium.ts';
import { DEV_CLIENT, newUser, startTestServer, type LooseJson, type TestServer } from '../support/testServer.ts';

/** A port free now, so the relying party's origin can name it before the server starts on it. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** What the page shows once a button's step is done: its outcome (ok or error), its message and the API's answer. */
interface Shown {
  outcome: string;
  message: string;
  answer: LooseJson;
  signedIn: string;
}

/** A selector, not a predicate: polling a predicate would evaluate a string, which the page's policy forbids. */
const stepDone = '#status:not([data-outcome="busy"])';
// Run in the page, so written as the browser's JavaScript rather than this file's TypeScript.
const shownOnPage = `({
  outcome: document.getElementById('status').dataset.outcome,
  message: document.getElementById('status').textContent,
  answer: JSON.parse(document.getElementById('answer').textContent || '{}'),
  signedIn: document.getElementById('signedIn').textContent,
})`;

async function press(page: Page, button: string): Promise<Shown> {
  await page.click(`#${button}`);
  await page.locator(stepDone).waitFor();
  return page.evaluate<Shown>(shownOnPage);
}

/** A step that must succeed: its message on the page when it did not. */
async function pressed(t: Test, page: Page, button: string): Promise<Shown> {
  const shown = await press(page, button);
  // The steps build on each other: past a failed one, the rest would only repeat it.
  if (!t.equal(shown.outcome, 'ok', `${button}: ${shown.message}`)) throw new Error(`stopped at ${button}`);
  return shown;
}

const base64ToBase64url = (standard: string) => Buffer.from(standard, 'base64').toString('base64url');

const chromium = findChromium();
const titles = [
  'the page opens in Chromium in a secure context, with an authenticator, and logs in with the SMS code',
  'a user registers a passkey there, forgets the tokens and logs in with the passkey, with no SMS code',
];

if ('missing' in chromium) {
  const reason = `${chromium.missing} \`npm run browser:install\` finds one, or installs Debian's as root`;
  if (process.env.CI === 'true') t.fail(reason);
  else for (const title of titles) t.test(title, { skip: `${reason} (a failure in CI)` }, () => {});
} else {
  let server: TestServer;
  let browser: BrowserSession;
  let origin: string;
  t.before(async () => {
    const port = await freePort();
    origin = `http://localhost:${port}`;
    server = await startTestServer({
      PORT: String(port),
      DEV_PAGES: 'true',
      PASSKEY_RELYING_PARTIES: JSON.stringify({
        [DEV_CLIENT.clientId]: { id: 'localhost', name: 'Tessera (browser test)', origins: [origin] },
      }),
    });
    browser = await launchWithVirtualAuthenticator(chromium.executable);
  });
  t.teardown(async () => {
    await browser?.close();
    await server?.close();
  });

  // In English, so the SMS texts read as this file expects (a French number would get them in French).
  const user = { ...newUser(), locale: 'en' };
  /** What the SMS login answered: the tokens of the first login. */
  let bySms: LooseJson;

  t.test(titles[0]!, async (t) => {
    const signUp = await server.call('POST', '/v1/user/sign-up', { body: user });
    t.equal(signUp.status, 200, 'signed up through the API');
    const { page } = browser;
    await page.goto(`${origin}/dev/passkeys`);
    t.ok(await page.evaluate<boolean>('window.isSecureContext'), 'http://localhost is a secure context');
    t.equal(
      await page.evaluate<boolean>('PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable()'),
      true,
      'the page sees an authenticator that verifies its user: the virtual one',
    );
    await page.fill('#clientToken', await server.clientToken());
    await page.fill('#email', user.email);
    await page.fill('#password', user.password);

    const before = server.countSentTo(user.phoneNumber);
    const started = await pressed(t, page, 'logIn');
    t.match(started.message, /A code was sent by SMS/, 'the page asks for the code');
    await page.fill('#code', await server.nextCode(user.phoneNumber, before));
    const answered = await pressed(t, page, 'answerSmsCode');
    t.match(answered.answer, { userId: String, accessToken: String, refreshToken: String }, 'tokens for the code');
    t.equal(answered.signedIn, `Signed in as ${answered.answer.userId}.`, 'the page shows who is signed in');
    bySms = answered.answer;
    t.same(browser.pageErrors, [], 'the page ran without a script error or a blocked resource');
  });

  t.test(titles[1]!, async (t) => {
    const { page, authenticator } = browser;
    const registered = await pressed(t, page, 'registerPasskey');
    const { credentialId } = registered.answer;
    t.equal(registered.message, `Passkey registered: ${credentialId}.`, 'the page says so');
    const notice = await eventually('the SMS telling the phone of the new passkey', () =>
      server.sentCodes().find((sms) => sms.to === user.phoneNumber && /A passkey was just added/.test(sms.text)),
    );
    t.ok(notice, 'the phone is told a passkey was added');
    const listed = await server.call('GET', '/v1/user/passkeys', { token: bySms.accessToken });
    t.equal(listed.status, 200, 'GET /v1/user/passkeys');
    t.same(
      listed.body.data.passkeys.map((passkey: { credentialId: string }) => passkey.credentialId),
      [credentialId],
      'the passkey is listed by the API',
    );
    const [held, ...others] = await authenticator.credentials();
    t.equal(others.length, 0, 'the authenticator holds one credential');
    t.equal(held && base64ToBase64url(held.credentialId), credentialId, 'the one the server registered');
    t.equal(held?.rpId, 'localhost', "bound to the test client's relying party");
    const listedOnPage = await pressed(t, page, 'listPasskeys');
    t.equal(listedOnPage.message, '1 passkey(s) registered.', 'the page lists it too');

    const forgotten = await pressed(t, page, 'forgetTokens');
    t.equal(forgotten.signedIn, 'Signed out.', 'the page holds no token any more');
    const byPasskey = await pressed(t, page, 'logInWithPasskey');
    t.match(byPasskey.answer, { userId: bySms.userId, accessToken: String, refreshToken: String });
    t.not(byPasskey.answer.accessToken, bySms.accessToken, 'new tokens, from the passkey');
    t.equal(byPasskey.signedIn, `Signed in as ${bySms.userId}.`, 'signed in again, as the same user');
    const me = await server.call('GET', '/v1/user/me', { token: byPasskey.answer.accessToken });
    t.equal(me.status, 200, 'the new access token works');
    t.equal(me.body.data.userId, bySms.userId, "and names the user's profile");
    const [used] = await authenticator.credentials();
    t.ok((used?.signCount ?? 0) > (held?.signCount ?? 0), `the signature counter grew (${used?.signCount})`);
    t.same(browser.pageErrors, [], 'the page ran without a script error or a blocked resource');
  });
}
