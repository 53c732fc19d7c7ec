/**
 * WebAuthn for identity's passkey commands, through @simplewebauthn/server:
 * the options a browser needs, and the checks of what it answers. Challenges
 * are keyed hashes, so identity keeps none in flight: a registration's is bound
 * to the user, the login and a five-minute window; a login's to its session,
 * whose single use makes the assertion single use; a step-up's to the step-up
 * and its transaction's hash. The counter is the
 * decider's (passkeysState.ts), checked against the stream it appends to.
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { timingSafeEqual } from 'node:crypto';
import { keyedHash } from '@tessera/crypto';
import type { PasskeyAssertion, StoredPasskey } from '../domain/passkeysState.ts';

/** An API client's relying party: its id (a domain) and the origins of its pages and apps. */
export interface RelyingParty {
  id: string;
  name: string;
  origins: string[];
}

export const PASSKEY_REGISTRATION_SECONDS = 300;

const challengeOf = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');

/** A login's challenge: its session's, keyed so nobody can compute it without identity's hashing key. */
export function passkeyLoginChallenge(hashingKey: Buffer, sessionId: string): string {
  return challengeOf(keyedHash(hashingKey, 'passkey-login', sessionId));
}

/**
 * A step-up's challenge: bound to the step-up and to the hash of the transaction it confirms (ADR 26), so the
 * authenticator signs over the dynamic-linking value (PSD2 RTS art. 5) and an assertion made for one transaction
 * cannot answer another. A step-up without a transaction is bound to its id alone; the domain differs from a login's.
 */
export function passkeyStepUpChallenge(hashingKey: Buffer, stepUpId: string, transactionHash: string | undefined) {
  return challengeOf(keyedHash(hashingKey, 'passkey-step-up', stepUpId, transactionHash ?? ''));
}

/**
 * A registration's challenge for this user's login, issued at `issuedAt` (whole seconds), as the browser signs it:
 * base64url of `<issuedAt>.<keyed hash>`.
 */
export function passkeyRegistrationChallenge(hashingKey: Buffer, userId: string, familyId: string, issuedAt: number) {
  const mac = keyedHash(hashingKey, 'passkey-registration', userId, familyId, String(issuedAt));
  return Buffer.from(`${issuedAt}.${challengeOf(mac)}`, 'utf8').toString('base64url');
}

/** Whether a signed challenge is one this user's login was given less than PASSKEY_REGISTRATION_SECONDS ago. */
export function registrationChallengeCheck(hashingKey: Buffer, userId: string, familyId: string, nowSeconds: number) {
  return (challenge: string): boolean => {
    const issuedAt = Number(Buffer.from(challenge, 'base64url').toString('utf8').split('.')[0]);
    if (!Number.isSafeInteger(issuedAt) || issuedAt > nowSeconds) return false;
    if (nowSeconds - issuedAt > PASSKEY_REGISTRATION_SECONDS) return false;
    const expected = Buffer.from(passkeyRegistrationChallenge(hashingKey, userId, familyId, issuedAt), 'utf8');
    const presented = Buffer.from(challenge, 'utf8');
    return expected.length === presented.length && timingSafeEqual(expected, presented);
  };
}

/** Creation options for a challenge (base64url, as signed): user verification required, resident key preferred, the user's passkeys excluded. */
export function passkeyRegistrationOptions(
  rp: RelyingParty,
  user: { userId: string; userName: string },
  challenge: string,
  passkeys: StoredPasskey[],
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.userName,
    userID: new Uint8Array(Buffer.from(user.userId, 'utf8')),
    challenge: new Uint8Array(Buffer.from(challenge, 'base64url')),
    attestationType: 'none',
    excludeCredentials: passkeys.map(({ credentialId: id, transports }) => ({ id, transports })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
  });
}

/** The credential a registration answer carries, or undefined when any check fails (none tells why: a 422). */
export async function verifyPasskeyRegistration(
  rp: RelyingParty,
  response: RegistrationResponseJSON,
  challengeValid: (challenge: string) => boolean,
): Promise<Pick<StoredPasskey, 'credentialId' | 'publicKey' | 'counter' | 'transports'> | undefined> {
  try {
    const verification = await verifyRegistrationResponse({
      response,
      expectedChallenge: challengeValid,
      expectedOrigin: rp.origins,
      expectedRPID: rp.id,
      requireUserVerification: true,
    });
    if (!verification.verified) return undefined;
    const { id, publicKey, counter, transports } = verification.registrationInfo.credential;
    const credentialId = id;
    return {
      credentialId,
      publicKey: Buffer.from(publicKey).toString('base64url'),
      counter,
      transports: transports ?? [],
    };
  } catch {
    return undefined;
  }
}

/** Request options for a login's challenge: only the user's passkeys of this relying party, user verification required. */
export function passkeyLoginOptions(
  rp: RelyingParty,
  passkeys: StoredPasskey[],
  challenge: string,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const allowCredentials = passkeys.map(({ credentialId: id, transports }) => ({ id, transports }));
  return generateAuthenticationOptions({
    rpID: rp.id,
    allowCredentials,
    challenge: new Uint8Array(Buffer.from(challenge, 'base64url')),
    userVerification: 'required',
  });
}

/**
 * What an assertion proves, for the decider: undefined when it names no passkey of the user; `verified: false`
 * when the signature, challenge, origin, relying party or user verification fails. The library is given a counter
 * of 0 so it leaves the counter to the decider, which checks it against the stream it appends to.
 */
export async function verifyPasskeyAssertion(
  rp: RelyingParty,
  passkeys: StoredPasskey[],
  response: AuthenticationResponseJSON,
  expectedChallenge: string,
): Promise<PasskeyAssertion | undefined> {
  const passkey = passkeys.find((candidate) => candidate.credentialId === response.id);
  if (!passkey) return undefined;
  const credential = { id: passkey.credentialId, publicKey: Buffer.from(passkey.publicKey, 'base64url'), counter: 0 };
  try {
    const verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.id,
      credential: { ...credential, publicKey: new Uint8Array(credential.publicKey) },
      requireUserVerification: true,
    });
    const { newCounter } = verification.authenticationInfo;
    return { credentialId: passkey.credentialId, verified: verification.verified, counter: newCounter };
  } catch {
    return { credentialId: passkey.credentialId, verified: false, counter: 0 };
  }
}
