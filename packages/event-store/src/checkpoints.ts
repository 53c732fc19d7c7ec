/**
 * Signed checkpoints of the event log (ADR 32): identity's Ed25519 audit key
 * signs a position of the global order, the count of events up to it and the
 * log hash there. Keys travel as JWK (RFC 8037), which any Ed25519 library reads.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { createHash } from 'node:crypto';
import { canonicalJson, CHAIN_VERSION } from './chain.ts';

/** The stream checkpoints are appended to, and their event type. */
export const CHECKPOINT_STREAM = 'audit-log';
export const CHECKPOINT_EVENT_TYPE = 'LogCheckpointSigned';

/** What a checkpoint states, and signs. */
export interface CheckpointBody {
  /** The last global position covered. */
  position: number;
  /** How many events the log holds up to and including `position`. */
  events: number;
  /** The log hash after the event at `position`. */
  logHash: string;
  signedAt: string;
  keyId: string;
  /** The first checkpoint of a log chained on upgrade: it vouches for nothing before its own time. */
  genesis?: true;
}

export interface SignedCheckpoint extends CheckpointBody {
  /** Ed25519 over `checkpointSigningInput(body)`, base64url. */
  signature: string;
}

/** An Ed25519 key pair as JWK, with its id: the thumbprint (RFC 7638) of the public key. */
export interface AuditKey {
  keyId: string;
  privateJwk: { kty: 'OKP'; crv: 'Ed25519'; x: string; d: string };
}

export interface AuditPublicKey {
  keyId: string;
  jwk: { kty: 'OKP'; crv: 'Ed25519'; x: string };
}

/** The bytes a checkpoint's signature covers. */
export function checkpointSigningInput(body: CheckpointBody): Buffer {
  const { position, events, logHash, signedAt, keyId, genesis } = body;
  const signed = { v: CHAIN_VERSION, position, events, logHash, signedAt, keyId, ...(genesis ? { genesis } : {}) };
  return Buffer.from(canonicalJson(signed), 'utf8');
}

/** RFC 7638 thumbprint of an Ed25519 public JWK. */
export function keyIdOf(x: string): string {
  return createHash('sha256')
    .update(canonicalJson({ crv: 'Ed25519', kty: 'OKP', x }))
    .digest('base64url');
}

export function generateAuditKey(): AuditKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' }) as { x: string; d: string };
  return { keyId: keyIdOf(jwk.x), privateJwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d } };
}

export function publicPartOf(key: AuditKey): AuditPublicKey {
  return { keyId: key.keyId, jwk: { kty: 'OKP', crv: 'Ed25519', x: key.privateJwk.x } };
}

export function signCheckpoint(key: AuditKey, body: Omit<CheckpointBody, 'keyId'>): SignedCheckpoint {
  const full: CheckpointBody = { ...body, keyId: key.keyId };
  const privateKey = createPrivateKey({ key: key.privateJwk, format: 'jwk' });
  const signature = sign(null, checkpointSigningInput(full), privateKey).toString('base64url');
  return { ...full, signature };
}

const publicKeyObjects = new WeakMap<AuditPublicKey, KeyObject>();

/** Whether the checkpoint's signature is the named key's over its body; a key of another id never verifies. */
export function checkpointSignatureValid(checkpoint: SignedCheckpoint, key: AuditPublicKey): boolean {
  if (checkpoint.keyId !== key.keyId || keyIdOf(key.jwk.x) !== key.keyId) return false;
  let keyObject = publicKeyObjects.get(key);
  if (!keyObject) {
    keyObject = createPublicKey({ key: key.jwk, format: 'jwk' });
    publicKeyObjects.set(key, keyObject);
  }
  try {
    return verify(null, checkpointSigningInput(checkpoint), keyObject, Buffer.from(checkpoint.signature, 'base64url'));
  } catch {
    return false;
  }
}

/**
 * Ed25519 with the audit key over the canonical JSON of any document (an auditor credential), base64url: what the
 * audit key vouches for beyond checkpoints is signed the same way, so one public key checks both.
 */
export function signCanonicalJson(key: AuditKey, document: unknown): string {
  const privateKey = createPrivateKey({ key: key.privateJwk, format: 'jwk' });
  return sign(null, Buffer.from(canonicalJson(document), 'utf8'), privateKey).toString('base64url');
}

/** Whether `signature` is the key's over the document's canonical JSON; a key whose id is not its thumbprint never verifies. */
export function canonicalJsonSignatureValid(document: unknown, signature: string, key: AuditPublicKey): boolean {
  if (keyIdOf(key.jwk.x) !== key.keyId) return false;
  try {
    const publicKey = createPublicKey({ key: key.jwk, format: 'jwk' });
    return verify(null, Buffer.from(canonicalJson(document), 'utf8'), publicKey, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}
