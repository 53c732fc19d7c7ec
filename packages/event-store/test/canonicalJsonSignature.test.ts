/** What the audit key signs beyond checkpoints: any JSON document, checked by its public key alone. */
import t from 'tap';
import { canonicalJsonSignatureValid, generateAuditKey, publicPartOf, signCanonicalJson } from '../src/index.ts';

const key = generateAuditKey();
const document = { v: 1, auditor: 'Example Audit LLP', scope: 'personal-data:read', nested: { b: 2, a: 1 } };

t.test('a signed document verifies with the public key, whatever the order of its keys', async (t) => {
  const signature = signCanonicalJson(key, document);
  t.ok(canonicalJsonSignatureValid(document, signature, publicPartOf(key)));
  const reordered = { nested: { a: 1, b: 2 }, scope: 'personal-data:read', auditor: 'Example Audit LLP', v: 1 };
  t.ok(canonicalJsonSignatureValid(reordered, signature, publicPartOf(key)), 'canonical JSON ignores key order');
});

t.test('an edited document, another key or a mislabelled key does not verify', async (t) => {
  const signature = signCanonicalJson(key, document);
  t.notOk(canonicalJsonSignatureValid({ ...document, auditor: 'Someone Else' }, signature, publicPartOf(key)));
  t.notOk(canonicalJsonSignatureValid(document, signature, publicPartOf(generateAuditKey())));
  t.notOk(canonicalJsonSignatureValid(document, signature, { ...publicPartOf(key), keyId: 'another-id' }));
  t.notOk(canonicalJsonSignatureValid(document, 'not a signature', publicPartOf(key)));
});
