/**
 * Step-up tokens (ADR 26): the proof that a user confirmed one action and its
 * transaction with two factors, signed with the access-token keys (one JWKS)
 * but typed `step-up+jwt`, so that neither kind of token ever passes for the
 * other: access-token checks require `at+jwt`, these require their own type.
 */
import type { StepUpActionName, StepUpVerified } from '@tessera/contracts';
import { createSigner, createVerifier, type DecodedJwt } from 'fast-jwt';
import type { SigningKey } from './signingKeys.ts';

/** The header type of every step-up token (RFC 8725 §3.11: explicit typing). */
export const stepUpTokenType = 'step-up+jwt';
/** `acr`: strong customer authentication with dynamic linking, two independent factors. */
export const stepUpAuthenticationContext = 'urn:tessera:acr:sca';
/**
 * `amr` (RFC 8176 and its IANA registry), by what answered the step-up after the password (`pwd`): a code sent by SMS
 * (`sms`), or a passkey: `pop`, proof of possession of a key, registered beside RFC 8176's `hwk` and `swk` for a key
 * whose storage is not known (attestation `none`: a passkey may be synced, so `hwk` would claim more than the server
 * knows), and `user`, the user-presence test. The authenticator's user verification (a PIN, a fingerprint, a face)
 * was required, but which one is not told to the server, so no `pin`, `fpt` or `face`. See ADR 31.
 */
export const stepUpAuthenticationMethods = {
  SMS_OTP: ['pwd', 'sms'],
  PASSKEY: ['pwd', 'pop', 'user'],
} as const satisfies Record<NonNullable<StepUpVerified['challengeType']>, readonly string[]>;

export interface StepUpClaims {
  iss: string;
  aud: string | string[];
  /** The user. */
  sub: string;
  /** The API client that asked, the only one that may consume the token. */
  client_id: string;
  acr: typeof stepUpAuthenticationContext;
  amr: string[];
  /** When the SMS code or the passkey was verified, seconds since the epoch. */
  auth_time: number;
  /** The token's id, which consuming it names. */
  jti: string;
  iat: number;
  exp: number;
  /** The action the user confirmed. */
  action: StepUpActionName;
  /** base64url(SHA-256(canonical transaction)); absent for an action without one. */
  txn?: string;
  /** The step-up (its challenge's `sessionId`). */
  sid: string;
  /** The login the step-up was asked from: ending it revokes the token. */
  fam: string;
}

export interface StepUpTokens {
  /**
   * The token for a verified step-up, and the seconds it has left. It names `audience` (the gateway's own and its
   * client's resources, as the user's access tokens do), else the gateway's own.
   */
  sign(verified: StepUpVerified, audience?: string | string[]): { stepUpToken: string; expiresIn: number };
  /**
   * The claims of a token these keys signed as a step-up token for this issuer and audience, expired or not
   * (identity says whether it is still usable); undefined for anything else.
   */
  verify(token: string): Promise<StepUpClaims | undefined>;
}

export interface StepUpTokenOptions {
  signingKeys: SigningKey[];
  issuer: () => string;
  /** The audience every token names, as access tokens do; unset: the issuer. */
  audience?: string;
}

const seconds = (instant: string) => Math.floor(Date.parse(instant) / 1000);

export function createStepUpTokens(options: StepUpTokenOptions): StepUpTokens {
  const [current] = options.signingKeys;
  if (!current) throw new Error('at least one signing key is required');
  const publicKeys = new Map(options.signingKeys.map((key) => [key.kid, key.publicKeyPem]));
  const signer = createSigner({
    key: current.privateKeyPem,
    algorithm: 'EdDSA',
    kid: current.kid,
    header: { alg: 'EdDSA', typ: stepUpTokenType },
  });
  const verifier = createVerifier({
    // The key the token names, so a retiring key's tokens still verify; an unknown kid fails.
    key: async ({ header }: DecodedJwt) => publicKeys.get(String(header.kid ?? '')) ?? '',
    algorithms: ['EdDSA'],
    checkTyp: stepUpTokenType,
    requiredClaims: ['exp', 'sub', 'jti', 'sid', 'fam', 'client_id', 'action'],
    // Expiry is identity's to judge, so an expired token is answered STEP_UP_TOKEN_EXPIRED, not as unknown.
    ignoreExpiration: true,
  });
  const audience = () => options.audience ?? options.issuer();

  return {
    sign(verified, tokenAudience) {
      const issuedAt = Math.floor(Date.now() / 1000);
      const expiresAt = seconds(verified.expiresAt);
      const claims: StepUpClaims = {
        iss: options.issuer(),
        aud: tokenAudience ?? audience(),
        sub: verified.userId,
        client_id: verified.clientId,
        acr: stepUpAuthenticationContext,
        amr: [...stepUpAuthenticationMethods[verified.challengeType ?? 'SMS_OTP']],
        auth_time: seconds(verified.authTime),
        jti: verified.tokenId,
        iat: issuedAt,
        exp: expiresAt,
        action: verified.action,
        ...(verified.transactionHash ? { txn: verified.transactionHash } : {}),
        sid: verified.stepUpId,
        fam: verified.familyId,
      };
      return { stepUpToken: signer(claims), expiresIn: Math.max(0, expiresAt - issuedAt) };
    },
    async verify(token) {
      let claims: StepUpClaims;
      try {
        claims = (await verifier(token)) as StepUpClaims;
      } catch {
        return undefined;
      }
      const aud = claims.aud;
      const namesAudience = aud === audience() || (Array.isArray(aud) && aud.includes(audience()));
      return claims.iss === options.issuer() && namesAudience ? claims : undefined;
    },
  };
}
