/**
 * A WebAuthn authenticator in software, for tests: a P-256 key per credential
 * (node:crypto), "none" attestation, assertions signed over authenticatorData
 * and the hash of clientDataJSON, as a browser would hand them to the server.
 * Its CBOR is written here (the few shapes WebAuthn needs), so the server's
 * decoding is tested against an encoder of its own. Knobs let a test play a
 * cloned authenticator (a counter that does not grow), one without user
 * verification, a phishing origin or a tampered signature.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

export interface SoftwareCredential {
  id: string;
  privateKey: KeyObject;
  /** The next signature counter: grows by one with each assertion. */
  counter: number;
}

export interface SoftwareAuthenticatorOptions {
  /** The page's origin, as the browser would write it into clientDataJSON. */
  origin: string;
  /** The relying party id hashed into authenticatorData (default: the options' rp id). */
  rpId?: string;
  /** Whether the authenticator verified the user (PIN, biometrics). Default true. */
  userVerified?: boolean;
  /** Keep no counter: every signature carries 0 (as many platform authenticators do). */
  noCounter?: boolean;
}

type Cbor = number | string | Uint8Array | Map<number | string, Cbor>;

const base64url = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');
const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest();

export class SoftwareAuthenticator {
  readonly credentials: SoftwareCredential[] = [];
  constructor(private readonly options: SoftwareAuthenticatorOptions) {}

  /** `navigator.credentials.create()` answered: a RegistrationResponseJSON for creation options (JSON form). */
  register(creation: { challenge: string; rp: { id?: string } }) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const credential: SoftwareCredential = { id: base64url(randomBytes(16)), privateKey, counter: 0 };
    this.credentials.push(credential);
    const clientDataJSON = this.clientData('webauthn.create', creation.challenge);
    const attested = attestedCredentialData(credential.id, publicKey);
    const authData = this.authenticatorData(creation.rp.id, 0x40, 0, attested);
    const attestationObject = encodeCbor(
      new Map<string, Cbor>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key' as const,
      response: {
        clientDataJSON: base64url(clientDataJSON),
        attestationObject: base64url(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform' as const,
    };
  }

  /**
   * `navigator.credentials.get()` answered with a credential of this authenticator (the latest unless named):
   * an AuthenticationResponseJSON. `counter` overrides the signature counter (a clone replaying an old one).
   */
  authenticate(request: { challenge: string; rpId?: string }, use: { credentialId?: string; counter?: number } = {}) {
    const credential = use.credentialId
      ? this.credentials.find((candidate) => candidate.id === use.credentialId)
      : this.credentials.at(-1);
    if (!credential) throw new Error('the software authenticator holds no such credential');
    const clientDataJSON = this.clientData('webauthn.get', request.challenge);
    if (!this.options.noCounter) credential.counter += 1;
    const counter = use.counter ?? (this.options.noCounter ? 0 : credential.counter);
    const authData = this.authenticatorData(request.rpId, 0, counter);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), credential.privateKey);
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key' as const,
      response: {
        clientDataJSON: base64url(clientDataJSON),
        authenticatorData: base64url(authData),
        signature: base64url(signature),
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform' as const,
    };
  }

  private clientData(type: string, challenge: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin: this.options.origin, crossOrigin: false }), 'utf8');
  }

  /** rpIdHash ‖ flags (UP, UV unless turned off, and more) ‖ counter ‖ attested credential data. */
  private authenticatorData(rpId: string | undefined, moreFlags: number, counter: number, attested?: Buffer): Buffer {
    const relyingParty = this.options.rpId ?? rpId;
    if (!relyingParty) throw new Error('the software authenticator needs a relying party id');
    const flags = 0x01 | (this.options.userVerified === false ? 0 : 0x04) | moreFlags;
    const counterBytes = Buffer.alloc(4);
    counterBytes.writeUInt32BE(counter);
    return Buffer.concat([sha256(relyingParty), Buffer.from([flags]), counterBytes, attested ?? Buffer.alloc(0)]);
  }
}

/** AAGUID (zeros: no attestation) ‖ id length ‖ id ‖ COSE EC2 P-256 ES256 public key. */
function attestedCredentialData(credentialId: string, publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  const coseKey = new Map<number, Cbor>([
    [1, 2],
    [3, -7],
    [-1, 1],
    [-2, Buffer.from(jwk.x ?? '', 'base64url')],
    [-3, Buffer.from(jwk.y ?? '', 'base64url')],
  ]);
  const id = Buffer.from(credentialId, 'base64url');
  const idLength = Buffer.alloc(2);
  idLength.writeUInt16BE(id.length);
  return Buffer.concat([Buffer.alloc(16), idLength, id, encodeCbor(coseKey)]);
}

/** CBOR (RFC 8949) for integers, text, byte strings and maps: all that WebAuthn's structures use. */
export function encodeCbor(value: Cbor): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const text = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, text.length), text]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  const entries = [...value.entries()].flatMap(([key, item]) => [encodeCbor(key), encodeCbor(item)]);
  return Buffer.concat([head(5, value.size), ...entries]);
}

function head(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
  if (length < 0x10000) return Buffer.from([(major << 5) | 25, length >> 8, length & 0xff]);
  const bytes = Buffer.alloc(5);
  bytes[0] = (major << 5) | 26;
  bytes.writeUInt32BE(length, 1);
  return bytes;
}
