/** Which credentials open personal data: the audit key's own, unedited and unexpired; any other is told apart. */
import t from 'tap';
import { generateAuditKey, publicPartOf } from '@tessera/event-store';
import { checkAuditorCredential, issueAuditorCredential } from '../../src/history/auditorCredential.ts';

const key = generateAuditKey();
const now = new Date('2026-12-07T12:00:00.000Z');
const credential = issueAuditorCredential(key, {
  credentialId: 'c-1',
  auditor: 'Example Audit LLP',
  issuedAt: '2026-12-01T00:00:00.000Z',
  expiresAt: '2026-12-31T00:00:00.000Z',
});
const check = (document: unknown) => checkAuditorCredential(document, publicPartOf(key), now);

t.test('the operator’s credential is valid until it expires, and expired after', async (t) => {
  t.match(check(credential), { status: 'valid', credential: { auditor: 'Example Audit LLP' } });
  t.match(check(JSON.parse(JSON.stringify(credential))), { status: 'valid' }, 'read back from its file');
  t.match(checkAuditorCredential(credential, publicPartOf(key), new Date('2026-12-31T00:00:00.000Z')), {
    status: 'expired',
  });
});

t.test('an edited, foreign or malformed credential is forged, with the reason', async (t) => {
  t.match(check({ ...credential, expiresAt: '2027-12-31T00:00:00.000Z' }), {
    status: 'forged',
    reason: /signature does not match/,
  });
  const foreign = issueAuditorCredential(generateAuditKey(), { ...credential });
  t.match(check(foreign), { status: 'forged', reason: /not signed by this deployment/ });
  t.match(check({ ...credential, scope: 'everything' }), { status: 'forged', reason: /scope/ });
  t.match(check({ ...credential, admin: true }), { status: 'forged', reason: /admin/ });
  t.match(check('{"v": 1'), { status: 'forged', reason: /not a JSON object/ });
  t.match(check({ ...credential, auditor: '' }), { status: 'forged', reason: /auditor is missing/ });
});
