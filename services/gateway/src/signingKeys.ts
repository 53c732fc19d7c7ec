/**
 * Token signing keys: Ed25519, each with a `kid`. The first key signs; all are
 * published in the JWKS so tokens signed by a retiring key stay verifiable.
 */
import { createPublicKey } from 'node:crypto';
import type { SigningKey } from '@tessera/crypto';

export type { SigningKey } from '@tessera/crypto';

export interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

export function toJwks(keys: SigningKey[]): { keys: PublicJwk[] } {
  return {
    keys: keys.map((key) => {
      const jwk = createPublicKey(key.publicKeyPem).export({ format: 'jwk' }) as {
        kty: string;
        crv: string;
        x: string;
      };
      return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, kid: key.kid, alg: 'EdDSA', use: 'sig' };
    }),
  };
}
