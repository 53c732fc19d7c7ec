/**
 * The auditor credential: a JSON document the operator issues with the audit
 * key, naming an auditor, the one scope `personal-data:read` and a validity
 * window. The audit tools open a user's personal fields only for a credential
 * that this deployment's audit key signed and that has not expired, and record
 * each such read in the log (PersonalDataDisclosedToAuditor).
 */
import {
  canonicalJsonSignatureValid,
  signCanonicalJson,
  type AuditKey,
  type AuditPublicKey,
} from '@tessera/event-store';

export const PERSONAL_DATA_READ_SCOPE = 'personal-data:read';

/** What the audit key signs: the credential without its signature. */
export interface AuditorCredentialBody {
  v: 1;
  credentialId: string;
  /** Who the operator gave it to: an organisation or a reference, recorded with each read. */
  auditor: string;
  scope: typeof PERSONAL_DATA_READ_SCOPE;
  issuedAt: string;
  expiresAt: string;
  /** The audit key that signed it. */
  keyId: string;
}

export interface AuditorCredential extends AuditorCredentialBody {
  /** Ed25519 over the body's canonical JSON (RFC 8785), base64url. */
  signature: string;
}

export function issueAuditorCredential(
  key: AuditKey,
  request: { credentialId: string; auditor: string; issuedAt: string; expiresAt: string },
): AuditorCredential {
  const body: AuditorCredentialBody = { v: 1, ...request, scope: PERSONAL_DATA_READ_SCOPE, keyId: key.keyId };
  return { ...body, signature: signCanonicalJson(key, body) };
}

/** What a presented credential turned out to be. */
export type CredentialCheck =
  | { status: 'valid'; credential: AuditorCredential }
  | { status: 'expired'; credential: AuditorCredential }
  | { status: 'forged'; reason: string };

const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isInstant = (value: unknown): value is string => isText(value) && !Number.isNaN(Date.parse(value));

/** The document as a credential, or why it is not one; says nothing yet of its signature. */
function shapeOf(document: unknown): AuditorCredential | string {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return 'it is not a JSON object';
  const candidate = document as Record<string, unknown>;
  if (candidate.v !== 1) return 'it is not a version 1 auditor credential';
  for (const field of ['credentialId', 'auditor', 'keyId', 'signature'] as const)
    if (!isText(candidate[field])) return `its ${field} is missing`;
  if (!isInstant(candidate.issuedAt) || !isInstant(candidate.expiresAt))
    return 'its issuedAt or expiresAt is not a time';
  if (candidate.scope !== PERSONAL_DATA_READ_SCOPE) return `its scope is not ${PERSONAL_DATA_READ_SCOPE}`;
  const known = new Set(['v', 'credentialId', 'auditor', 'scope', 'issuedAt', 'expiresAt', 'keyId', 'signature']);
  const extra = Object.keys(candidate).find((field) => !known.has(field));
  if (extra !== undefined) return `it has a field no credential has (${extra})`;
  return candidate as unknown as AuditorCredential;
}

/**
 * Checks a presented credential against the deployment's audit public key at `now`. A credential the key did not
 * sign, or that was edited after signing, is forged; a genuine one past its expiry is expired.
 */
export function checkAuditorCredential(document: unknown, key: AuditPublicKey, now: Date): CredentialCheck {
  const credential = shapeOf(document);
  if (typeof credential === 'string') return { status: 'forged', reason: credential };
  const { signature, ...body } = credential;
  if (body.keyId !== key.keyId) return { status: 'forged', reason: 'it was not signed by this deployment’s audit key' };
  if (!canonicalJsonSignatureValid(body, signature, key))
    return { status: 'forged', reason: 'its signature does not match its content' };
  if (Date.parse(credential.expiresAt) <= now.getTime()) return { status: 'expired', credential };
  return { status: 'valid', credential };
}
