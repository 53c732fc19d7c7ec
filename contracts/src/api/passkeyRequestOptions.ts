/**
 * WebAuthn request options (PublicKeyCredentialRequestOptionsJSON, as @simplewebauthn/server makes them) that a login's
 * or a step-up's answer carries when the user has a passkey for the calling client's relying party. Its own module:
 * the step-up's answer and the passkey routes both use it.
 */
import { Type, type Static } from '@sinclair/typebox';
import { example } from '../apiExamples.ts';

export const CredentialDescriptor = Type.Object(
  { id: Type.String(), type: Type.String(), transports: Type.Optional(Type.Array(Type.String())) },
  { additionalProperties: true },
);

/** WebAuthn's PublicKeyCredentialRequestOptionsJSON, for `navigator.credentials.get()`: a login's or a step-up's challenge. */
export const PasskeyRequestOptions = Type.Object(
  {
    challenge: Type.String({
      description: "base64url: bound to this login's session, or to this step-up and its transaction's hash.",
    }),
    timeout: Type.Optional(Type.Integer()),
    rpId: Type.Optional(Type.String()),
    allowCredentials: Type.Optional(Type.Array(CredentialDescriptor)),
    userVerification: Type.Optional(Type.String()),
  },
  {
    additionalProperties: true,
    description:
      "Present when the user has a passkey for this app: `navigator.credentials.get({ publicKey })` with them (base64url fields decoded), then POST /v1/user/otp with `challengeType` PASSKEY and the assertion instead of the SMS code. A step-up's challenge is bound to the step-up and to its transaction's hash (dynamic linking): an assertion made for one transaction answers no other.",
  },
);

export type PasskeyRequestOptions = Static<typeof PasskeyRequestOptions>;

/** Ada's phone holds one passkey for Acme Bank's app. */
export const passkeyRequestOptionsExample: PasskeyRequestOptions = {
  challenge: example.passkeyChallenge,
  timeout: 300000,
  rpId: 'acme-bank.example',
  allowCredentials: [{ id: example.passkeyCredentialId, type: 'public-key', transports: ['internal', 'hybrid'] }],
  userVerification: 'required',
};
