/**
 * Signing keys rotate by configuration: after a rotation new tokens carry the
 * new key's kid, the JWKS publishes old and new, and tokens signed before stay
 * valid until they expire — until their key is retired.
 */
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, startEmbedded } from '@tessera/embedded';
import { rotateSigningKey } from '@tessera/runtime';
import { DEV_CLIENT } from '../support/testServer.ts';

const kidOf = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as { kid: string }).kid;

t.test('a rotated key signs new tokens while tokens of the previous key stay valid', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-keys-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const config = loadConfig({
    PORT: '0',
    // Each start picks another port: a fixed public base URL keeps the tokens' issuer across restarts, as in production.
    TOKEN_ISSUER: 'https://tessera.test',
    DATA_DIR: dataDir,
    DEV_CLIENT_ID: DEV_CLIENT.clientId,
    DEV_CLIENT_SECRET: DEV_CLIENT.secret,
    ARGON2_MEMORY_KIB: '8192',
    ARGON2_ITERATIONS: '1',
    LOG_LEVEL: 'silent',
  });
  const start = () => startEmbedded(config, { printSms: null });
  const clientToken = async (url: string) =>
    (
      (await (
        await fetch(`${url}/oauth/token`, {
          method: 'POST',
          body: 'grant_type=client_credentials',
          headers: {
            authorization: `Basic ${Buffer.from(`${DEV_CLIENT.clientId}:${DEV_CLIENT.secret}`).toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
        })
      ).json()) as { access_token: string }
    ).access_token;
  const accepted = async (url: string, token: string) =>
    (
      await fetch(`${url}/v1/user/forget-password?email=someone%40example.com`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).status;
  const jwksKids = async (url: string) =>
    ((await (await fetch(`${url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> }).keys.map(
      (key) => key.kid,
    );

  const first = await start();
  const oldToken = await clientToken(first.url);
  const oldKid = kidOf(oldToken);
  await first.close();

  const newKid = rotateSigningKey(path.join(dataDir, 'keys.json'));
  const second = await start();
  t.same(await jwksKids(second.url), [newKid, oldKid], 'the JWKS publishes the new key and the previous one');
  t.equal(kidOf(await clientToken(second.url)), newKid, 'new tokens are signed with the new key');
  t.equal(await accepted(second.url, oldToken), 200, 'a token of the previous key is still accepted');
  await second.close();

  rotateSigningKey(path.join(dataDir, 'keys.json'), { retain: 1 });
  rotateSigningKey(path.join(dataDir, 'keys.json'), { retain: 1 });
  const third = await start();
  t.notOk((await jwksKids(third.url)).includes(oldKid), 'a retired key is no longer published');
  t.equal(await accepted(third.url, oldToken), 401, 'and its tokens are refused');
  await third.close();
});
