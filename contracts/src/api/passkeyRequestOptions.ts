/**
 * WebAuthn request options (PublicKeyCredentialRequestOptionsJSON, as @simplewebauthn/server makes them) that an
 * answer carries when the user has a passkey for the calling client's relying party: the app decodes them for
 * `navigator.credentials.get({ publicKey })` and answers the challenge with the assertion.
 */
import { Type, type Static } from '@sinclair/typebox';

const base64url = '^[A-Za-z0-9_-]+$';

export const PasskeyRequestOptions = Type.Object(
  {
    challenge: Type.String({
      pattern: base64url,
      description:
        "base64url. A step-up's is bound to the step-up and to its transaction's hash (dynamic linking): an assertion made for one transaction answers no other.",
    }),
    timeout: Type.Optional(Type.Integer({ description: 'Milliseconds the browser may wait for the user.' })),
    rpId: Type.Optional(Type.String({ description: "The relying party's id: the API client's domain." })),
    allowCredentials: Type.Optional(
      Type.Array(
        Type.Object({
          id: Type.String({ pattern: base64url, description: 'A credential id of the user, base64url.' }),
          type: Type.Literal('public-key'),
          transports: Type.Optional(Type.Array(Type.String())),
        }),
        { description: "The user's passkeys of this relying party." },
      ),
    ),
    userVerification: Type.Optional(
      Type.Literal('required', { description: 'The authenticator must verify the user (PIN or biometrics).' }),
    ),
  },
  {
    description:
      'WebAuthn request options (PublicKeyCredentialRequestOptionsJSON): present when the user has a passkey for this API client. Answer with POST /v1/user/otp, `challengeType` PASSKEY, instead of the SMS code.',
  },
);
export type PasskeyRequestOptions = Static<typeof PasskeyRequestOptions>;

/** Ada's phone holds one passkey for Acme Bank's app. */
export const passkeyRequestOptionsExample: PasskeyRequestOptions = {
  challenge: 'q3Xb0Yy7Rk2v9PzL1mN4sT8wC6dF5gH0jK2lQ7eU9iA',
  timeout: 60000,
  rpId: 'app.acme-bank.example',
  allowCredentials: [{ id: 'Xv7Lq2N9pR4sT1wY8zB3cD6fG0hJ5kM', type: 'public-key', transports: ['internal'] }],
  userVerification: 'required',
};
