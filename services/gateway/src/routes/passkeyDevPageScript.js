// The script of the development passkey page (passkeyDevPage.ts), run by the
// browser: it calls the public API as a partner's web app would, and leaves
// each outcome in #status (data-outcome: ok or error) and the last answer in
// #answer, where a person or a test reads them. WebAuthn's JSON helpers
// (parseCreationOptionsFromJSON, parseRequestOptionsFromJSON, toJSON) turn the
// API's base64url options and answers into the browser's buffers and back.
'use strict';

const field = (id) => document.getElementById(id);
/** The signed-in user's tokens, kept in this page's memory only. */
let tokens;
/** The login session whose SMS code is awaited. */
let smsSessionId;

function show(outcome, message, answer) {
  const status = field('status');
  status.dataset.outcome = outcome;
  status.textContent = message;
  if (answer !== undefined) field('answer').textContent = JSON.stringify(answer, null, 2);
  field('signedIn').textContent = tokens ? `Signed in as ${tokens.userId}.` : 'Signed out.';
}

/** Why a call failed, in words; thrown from `call` and shown by `step`. */
class Refused extends Error {
  constructor(message, answer) {
    super(message);
    this.answer = answer;
  }
}

async function call(method, path, body, bearer) {
  const response = await fetch(path, {
    method,
    headers: {
      authorization: `Bearer ${bearer}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = await response.json().catch(() => ({ errorMessage: 'the answer is not JSON' }));
  if (!response.ok || answer.success === false)
    throw new Refused(
      `${method} ${path} answered ${response.status}: ${answer.errorCode ?? ''} ${answer.errorMessage ?? ''}`.trim(),
      answer,
    );
  return answer.data;
}

const asClient = (method, path, body) => call(method, path, body, field('clientToken').value.trim());

function asUser(method, path, body) {
  if (!tokens) throw new Refused('Log in first: this needs a user token.');
  return call(method, path, body, tokens.accessToken);
}

const credentials = () => ({ username: field('email').value.trim(), password: field('password').value });

function requireWebAuthnJson() {
  if (typeof window.PublicKeyCredential?.parseCreationOptionsFromJSON !== 'function')
    throw new Refused(
      'This browser lacks WebAuthn\u2019s JSON methods (PublicKeyCredential.parseCreationOptionsFromJSON).',
    );
}

async function logIn() {
  const started = await asClient('POST', '/v1/user/login', credentials());
  smsSessionId = started.sessionId;
  return [`A code was sent by SMS to ${started.codeDeliveryDestination}: type it below.`, started];
}

async function answerSmsCode() {
  if (!smsSessionId) throw new Refused('Log in with the password first: the code answers that login.');
  const body = { username: credentials().username, sessionId: smsSessionId, challengeType: 'SMS_OTP' };
  tokens = await asClient('POST', '/v1/user/otp', { ...body, code: field('code').value.trim() });
  smsSessionId = undefined;
  return ['Logged in with the SMS code.', tokens];
}

async function registerPasskey() {
  requireWebAuthnJson();
  const { options } = await asUser('POST', '/v1/user/passkeys/options', {});
  const created = await navigator.credentials.create({
    publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options),
  });
  const registered = await asUser('POST', '/v1/user/passkeys', {
    response: created.toJSON(),
    password: field('password').value,
  });
  return [`Passkey registered: ${registered.credentialId}.`, registered];
}

async function logInWithPasskey() {
  requireWebAuthnJson();
  const { username } = credentials();
  const started = await asClient('POST', '/v1/user/login', credentials());
  if (!started.passkeyOptions) throw new Refused('The login offered no passkey for this account.', started);
  const assertion = await navigator.credentials.get({
    publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(started.passkeyOptions),
  });
  tokens = await asClient('POST', '/v1/user/otp', {
    username,
    sessionId: started.sessionId,
    challengeType: 'PASSKEY',
    passkeyResponse: assertion.toJSON(),
  });
  return ['Logged in with a passkey.', tokens];
}

async function listPasskeys() {
  const listed = await asUser('GET', '/v1/user/passkeys');
  return [`${listed.passkeys.length} passkey(s) registered.`, listed];
}

async function forgetTokens() {
  tokens = undefined;
  return ['The tokens are forgotten.', {}];
}

/** Runs one button's step, showing what came of it; a refusal by the API or the browser is shown, not thrown. */
function step(run) {
  return async () => {
    show('busy', 'Working\u2026');
    try {
      const [message, answer] = await run();
      show('ok', message, answer);
    } catch (error) {
      if (error instanceof Refused) show('error', error.message, error.answer ?? {});
      else show('error', `The browser refused: ${error.name}: ${error.message}`, {});
    }
  };
}

const steps = { logIn, answerSmsCode, registerPasskey, logInWithPasskey, listPasskeys, forgetTokens };
for (const [id, run] of Object.entries(steps)) field(id).addEventListener('click', step(run));
show('ready', 'Ready.');
