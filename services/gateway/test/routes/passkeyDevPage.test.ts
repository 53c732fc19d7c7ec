/**
 * The development passkey page: served only with the development pages on,
 * hidden from the OpenAPI document, and running nothing but its own inline
 * script and style, which its Content-Security-Policy names by their hashes.
 */
import { createHash } from 'node:crypto';
import t from 'tap';
import { gatewayWithFakeIdentity } from '../fakeIdentityGateway.ts';

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

t.test('without DEV_PAGES there is no page', async (t) => {
  const gateway = await gatewayWithFakeIdentity();
  t.teardown(() => gateway.close());
  const answer = await gateway.app.inject({ method: 'GET', url: '/dev/passkeys' });
  t.equal(answer.statusCode, 404);
  t.equal(answer.json().success, false, 'the envelope, as for any unknown path');
});

t.test('with DEV_PAGES the page is served, and only its own script and style may run', async (t) => {
  const gateway = await gatewayWithFakeIdentity(undefined, { devPages: true });
  t.teardown(() => gateway.close());
  const answer = await gateway.app.inject({ method: 'GET', url: '/dev/passkeys' });
  t.equal(answer.statusCode, 200);
  t.match(answer.headers['content-type'], /^text\/html; charset=utf-8/);
  t.equal(answer.headers['cache-control'], 'no-store');
  const policy = String(answer.headers['content-security-policy']);
  const script = /<script>([\s\S]*?)<\/script>/.exec(answer.body)?.[1] ?? '';
  const style = /<style>([\s\S]*?)<\/style>/.exec(answer.body)?.[1] ?? '';
  t.match(script, /navigator\.credentials\.create/, 'the script registers passkeys');
  t.match(policy, /default-src 'none'/);
  t.ok(policy.includes(`script-src ${sha256(script)};`), 'the inline script is allowed by its hash');
  t.ok(policy.includes(`style-src ${sha256(style)};`), 'and the inline style');
  t.match(policy, /connect-src 'self'/, 'requests go to this origin only');
  t.match(policy, /frame-ancestors 'none'/);
  t.notMatch(answer.body, /\s(src|href)=/, 'nothing is loaded from elsewhere');
  t.notMatch(answer.body, /\son[a-z]+=/, 'no inline handlers, which the policy would block');
  for (const id of ['clientToken', 'email', 'password', 'code', 'status', 'answer', 'signedIn'])
    t.match(answer.body, `id="${id}"`, `the ${id} element is there`);
});

t.test('the page is not in the OpenAPI document', async (t) => {
  const gateway = await gatewayWithFakeIdentity(undefined, { devPages: true });
  t.teardown(() => gateway.close());
  const document = (gateway.app as unknown as { swagger(): { paths: Record<string, unknown> } }).swagger();
  t.notOk(Object.keys(document.paths).some((path) => path.startsWith('/dev/')));
});
