/** The audit key file: made once, owner-only, and refused when it is not a whole Ed25519 key with its own id. */
import t from 'tap';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateAuditKey } from '@tessera/event-store';
import { createAuditKeyFile, loadAuditKey, loadOrCreateAuditKey } from '../src/index.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'audit-key-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

t.test('the first start makes an owner-only key; later starts keep it', async (t) => {
  const file = path.join(dir, 'nested', 'audit-key.json');
  const first = loadOrCreateAuditKey(file);
  t.ok(first.created, 'made on first start');
  t.equal(statSync(file).mode & 0o777, 0o600, 'readable by its owner only');
  const again = loadOrCreateAuditKey(file);
  t.notOk(again.created);
  t.same(again.key, first.key, 'the same key on the next start');
  t.notOk(createAuditKeyFile(file), 'an existing file is never replaced');
});

t.test('a file that is not a whole, matching Ed25519 key is refused with the reason', async (t) => {
  const key = generateAuditKey();
  const other = generateAuditKey();
  const cases: Array<[string, unknown, RegExp]> = [
    ['not JSON', 'not json', /cannot read the audit key/],
    ['no private JWK', { keyId: key.keyId }, /not an Ed25519 private JWK/],
    ['halves of two keys', { ...key, privateJwk: { ...key.privateJwk, d: other.privateJwk.d } }, /does not match/],
    ['another id', { ...key, keyId: other.keyId }, /keyId is not the thumbprint/],
  ];
  for (const [name, content, reason] of cases) {
    const file = path.join(dir, `${name}.json`);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    t.throws(() => loadAuditKey(file), reason, name);
  }
  const good = path.join(dir, 'good.json');
  writeFileSync(good, JSON.stringify(key));
  t.same(loadAuditKey(good), key, 'a whole key loads');
});
