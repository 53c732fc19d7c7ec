/**
 * A development page for passkeys at /dev/passkeys, served only with the
 * development pages on (DEV_PAGES=true): a partner's web app in miniature,
 * calling the public API to log in with the SMS code, register a passkey and
 * log in with it. The real-browser test drives it; a developer can too, with
 * a client token and a relying party for http://localhost:<port>. Hidden
 * from the OpenAPI document.
 *
 * Nothing is loaded from elsewhere: the script and the style are inline, and
 * the Content-Security-Policy allows exactly those two by their hashes, and
 * requests to this origin only.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyPluginAsync } from 'fastify';

const script = readFileSync(new URL('./passkeyDevPageScript.js', import.meta.url), 'utf8');
const style = `body{font-family:sans-serif;max-width:40rem;margin:2rem auto;line-height:1.5}
label{display:block;margin:.5rem 0}input{width:100%;box-sizing:border-box}
button{margin:.25rem .25rem .25rem 0}[data-outcome=error]{color:#a00}pre{background:#f4f4f4;padding:.5rem;overflow:auto}`;

// Inline, the script would end at a closing script tag of its own.
if (/<\/script/i.test(script)) throw new Error('passkeyDevPageScript.js must not contain a closing script tag');

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** Only this page's own script and style run; it talks to this origin only, and nothing frames it. */
export const passkeyDevPagePolicy = [
  "default-src 'none'",
  `script-src ${sha256(script)}`,
  `style-src ${sha256(style)}`,
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const input = (id: string, label: string, attributes: string) =>
  `<label>${label} <input id="${id}" ${attributes}></label>`;
const button = (id: string, label: string) => `<button type="button" id="${id}">${label}</button>`;

const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Passkeys (development)</title><style>${style}</style></head>
<body>
<h1>Passkeys (development)</h1>
<p>A development page calling this server's public API: a client token (<code>POST /oauth/token</code>), then a user's
email and password. Passkeys need a relying party for this page's origin (<code>PASSKEY_RELYING_PARTIES</code>,
for example rp id <code>localhost</code> and origin <code>http://localhost:3000</code>); open the page on that origin.</p>
${input('clientToken', 'Client token', 'autocomplete="off" spellcheck="false"')}
${input('email', 'Email', 'type="email" autocomplete="username webauthn"')}
${input('password', 'Password', 'type="password" autocomplete="current-password"')}
<p>${button('logIn', 'Log in with the password')}</p>
${input('code', 'SMS code', 'inputmode="numeric" autocomplete="one-time-code"')}
<p>${button('answerSmsCode', 'Send the SMS code')}</p>
<p>${button('registerPasskey', 'Register a passkey')} ${button('listPasskeys', 'List my passkeys')}
${button('logInWithPasskey', 'Log in with a passkey')} ${button('forgetTokens', 'Forget the tokens')}</p>
<p id="signedIn"></p>
<p id="status" role="status" aria-live="polite"></p>
<pre id="answer"></pre>
<script>${script}</script>
</body></html>
`;

export const passkeyDevPageRoutes: FastifyPluginAsync = async (app) => {
  app.get('/dev/passkeys', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .header('content-security-policy', passkeyDevPagePolicy)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .type('text/html; charset=utf-8')
      .send(html),
  );
};
