/**
 * Headless Chromium for the real-browser tests: the executable that
 * scripts/installBrowser.mjs finds (CHROMIUM_PATH, then `chromium` on the
 * PATH), launched by playwright-core, which downloads no browser of its own,
 * and Chrome's virtual authenticator (DevTools' WebAuthn domain) standing in
 * for a phone's or a laptop's platform authenticator.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { repositoryRoot } from './processes.ts';

/** A Chromium that starts, or why there is none (the script's own explanation). */
export function findChromium(): { executable: string } | { missing: string } {
  const found = spawnSync(process.execPath, [path.join(repositoryRoot, 'scripts', 'installBrowser.mjs'), '--find'], {
    encoding: 'utf8',
    env: process.env,
  });
  const executable = /^CHROMIUM_PATH=(.+)$/m.exec(found.stdout ?? '')?.[1];
  if (found.status === 0 && executable) return { executable };
  // The script's first line says what is missing; the lines after it, how to install one.
  const reason = (found.stderr || found.error?.message || '')
    .replace(/^installBrowser: /gm, '')
    .trim()
    .split('\n')[0];
  return { missing: reason || `scripts/installBrowser.mjs --find exited with ${found.status}` };
}

/** A credential as DevTools' WebAuthn.getCredentials lists it; `credentialId` is standard base64. */
export interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId: string;
  userHandle?: string;
  signCount: number;
}

export interface VirtualAuthenticator {
  /** The credentials the authenticator holds, as DevTools lists them. */
  credentials(): Promise<VirtualCredential[]>;
}

export interface BrowserSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  authenticator: VirtualAuthenticator;
  /** Errors the page's scripts threw and messages the console logged as errors (a blocked script among them). */
  pageErrors: string[];
  close(): Promise<void>;
}

/**
 * A platform authenticator that verifies its user (a fingerprint, a PIN) and
 * keeps discoverable credentials: WebAuthn's own test double, which answers
 * without any prompt.
 */
async function addVirtualAuthenticator(cdp: CDPSession): Promise<VirtualAuthenticator> {
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
    },
  });
  return {
    async credentials() {
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      return credentials as VirtualCredential[];
    },
  };
}

/** Headless Chromium with one page, and a virtual authenticator attached to it. */
export async function launchWithVirtualAuthenticator(executablePath: string): Promise<BrowserSession> {
  const browser = await chromium.launch({ executablePath, headless: true });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(`${error.name}: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    const authenticator = await addVirtualAuthenticator(await context.newCDPSession(page));
    return { browser, context, page, authenticator, pageErrors, close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
