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

// Run in the page, so written as the browser's JavaScript rather than this file's TypeScript.
const stepDone = "document.getElementById('status').dataset.outcome !== 'busy'";
const shownOnPage = `({
  outcome: document.getElementById('status').dataset.outcome,
  message: document.getElementById('status').textContent,
  answer: JSON.parse(document.getElementById('answer').textContent || '{}'),
  signedIn: document.getElementById('signedIn').textContent,
})`;

async function press(page: Page, button: string): Promise<Shown> {
  await page.click(`#${button}`);
  await page.waitForFunction(stepDone);
  return page.evaluate<Shown>(shownOnPage);
}

/** A step that must succeed: its message on the page when it did not. */
async function pressed(t: Test, page: Page, button: string): Promise<Shown> {
  const shown = await press(page, button);
  // The steps build on each other: past a failed one, the rest would only repeat it.
  if (!t.equal(shown.outcome, 'ok', `${button}: ${shown.message}`)) throw new Error(`stopped at ${button}`);
  return shown;
}

const chromium = findChromium();
const titles = ['the page opens in Chromium in a secure context, with an authenticator, and logs in with the SMS code'];

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

  const user = newUser();

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
    t.match(started.message, /A code was sent by SMS/);
    await page.fill('#code', await server.nextCode(user.phoneNumber, before));
    const answered = await pressed(t, page, 'answerSmsCode');
    t.match(answered.answer, { userId: String, accessToken: String, refreshToken: String }, 'tokens for the code');
    t.equal(answered.signedIn, `Signed in as ${answered.answer.userId}.`);
    t.same(browser.pageErrors, [], 'the page ran without a script error or a blocked resource');
  });
}
