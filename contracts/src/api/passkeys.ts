/**
 * Passkeys (WebAuthn, ADR 31): what the browser's `navigator.credentials`
 * answers, as its `toJSON()` (and SimpleWebAuthn's browser library) writes it,
 * and what Tessera answers. Every binary field is base64url without padding,
 * bounded so that a schema-valid body fits its route's body limit; an RSA
 * (Windows Hello) or P-256 credential fits well inside the bounds.
 */
import { Type, type Static } from '@sinclair/typebox';
import { example } from '../apiExamples.ts';
import { Instant, SessionId, Username } from './fields.ts';
import { CurrentPassword } from './fields.ts';
import { StepUpToken } from './stepUp.ts';
import { CredentialDescriptor } from './passkeyRequestOptions.ts';

/** POST /v1/user/passkeys takes a larger body than the gateway's 16 KiB: a registration and a password, each escaped. */
export const PASSKEY_REGISTRATION_BODY_LIMIT_BYTES = 32 * 1024;

const BASE64URL_PATTERN = '^[A-Za-z0-9_-]+$';
const base64url = (maxLength: number, description: string, examples?: string[]) =>
  Type.String({
    minLength: 1,
    maxLength,
    pattern: BASE64URL_PATTERN,
    description,
    ...(examples ? { examples } : {}),
  });

/**
 * A credential id: at most 100 base64url characters (75 bytes), what a path parameter carries (DELETE
 * /v1/user/passkeys/{credentialId}). Platform authenticators and security keys make 16 to 64 bytes.
 */
export const PASSKEY_CREDENTIAL_ID_MAX_LENGTH = 100;
export const PasskeyCredentialId = base64url(
  PASSKEY_CREDENTIAL_ID_MAX_LENGTH,
  'The credential id, base64url (at most 100 characters: 75 bytes).',
  [example.passkeyCredentialId],
);

const Transports = Type.Array(
  Type.String({ minLength: 1, maxLength: 16, pattern: '^[a-z-]+$', examples: ['internal'] }),
  {
    maxItems: 8,
    description: 'How the browser may reach the authenticator (`internal`, `hybrid`, `usb`, `nfc`, `ble`, ...).',
  },
);
const AuthenticatorAttachment = Type.Union([Type.Literal('platform'), Type.Literal('cross-platform')]);
const PublicKeyType = Type.Literal('public-key');

/** The registration the browser made (RegistrationResponseJSON): verified by identity against the options it issued. */
export const PasskeyRegistrationResponse = Type.Object(
  {
    id: PasskeyCredentialId,
    rawId: { ...PasskeyCredentialId, description: 'The same id, as WebAuthn repeats it.' },
    type: PublicKeyType,
    response: Type.Object(
      {
        clientDataJSON: base64url(1024, 'What the browser signed for: type, challenge, origin.'),
        attestationObject: base64url(1024, 'The authenticator data and the (`none`) attestation, CBOR.'),
        authenticatorData: Type.Optional(base64url(768, 'The authenticator data again, as browsers add it.')),
        transports: Type.Optional(Transports),
        publicKeyAlgorithm: Type.Optional(Type.Integer({ minimum: -65536, maximum: 65535, examples: [-7] })),
        publicKey: Type.Optional(base64url(512, 'The public key as SubjectPublicKeyInfo, as browsers add it.')),
      },
      { additionalProperties: false },
    ),
    authenticatorAttachment: Type.Optional(AuthenticatorAttachment),
    clientExtensionResults: Type.Optional(
      Type.Object(
        {
          credProps: Type.Optional(Type.Object({ rk: Type.Optional(Type.Boolean()) }, { additionalProperties: false })),
        },
        { additionalProperties: false, description: 'Only `credProps`, the one extension the options ask for.' },
      ),
    ),
  },
  { additionalProperties: false },
);

const registrationExample = {
  id: example.passkeyCredentialId,
  rawId: example.passkeyCredentialId,
  type: 'public-key',
  response: { ...example.passkeyRegistration, transports: ['internal', 'hybrid'] },
  authenticatorAttachment: 'platform',
  clientExtensionResults: { credProps: { rk: true } },
};

/** The answer, and the password again or a step-up token for MANAGE_PASSKEYS: one shape each (ADR 20). */
export const RegisterPasskeyBody = Type.Union(
  [
    Type.Object(
      { response: PasskeyRegistrationResponse, password: CurrentPassword },
      { additionalProperties: false, title: 'PasskeyWithPassword' },
    ),
    Type.Object(
      {
        response: PasskeyRegistrationResponse,
        stepUpToken: {
          ...StepUpToken,
          description: 'A `stepUpToken` for the action MANAGE_PASSKEYS, of this user and this client.',
        },
      },
      { additionalProperties: false, title: 'PasskeyWithStepUp' },
    ),
  ],
  {
    examples: [
      { response: registrationExample, password: example.password },
      { response: registrationExample, stepUpToken: example.stepUpToken },
    ],
    description: 'The browser’s registration, with the password again or a fresh step-up token for MANAGE_PASSKEYS.',
  },
);

/** An assertion (AuthenticationResponseJSON) answering a login's challenge: its options came with the login. */
export const PasskeyAssertionResponse = Type.Object(
  {
    id: PasskeyCredentialId,
    rawId: { ...PasskeyCredentialId, description: 'The same id, as WebAuthn repeats it.' },
    type: PublicKeyType,
    response: Type.Object(
      {
        clientDataJSON: base64url(768, 'What the browser signed for: type, challenge, origin.'),
        authenticatorData: base64url(256, 'The relying party hash, the flags and the signature counter.'),
        signature: base64url(512, 'The signature over the authenticator data and the client data hash.'),
        userHandle: Type.Optional(base64url(88, 'The user handle the passkey holds (at most 64 bytes).')),
      },
      { additionalProperties: false },
    ),
    authenticatorAttachment: Type.Optional(AuthenticatorAttachment),
    clientExtensionResults: Type.Optional(
      Type.Object({}, { additionalProperties: false, description: 'Empty: the options ask for no extension.' }),
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        id: example.passkeyCredentialId,
        rawId: example.passkeyCredentialId,
        type: 'public-key',
        response: example.passkeyAssertion,
        authenticatorAttachment: 'platform',
        clientExtensionResults: {},
      },
    ],
  },
);

/** WebAuthn's PublicKeyCredentialCreationOptionsJSON, for `navigator.credentials.create()`. */
export const PasskeyCreationOptions = Type.Object(
  {
    rp: Type.Object({ id: Type.Optional(Type.String()), name: Type.String() }, { additionalProperties: true }),
    user: Type.Object(
      { id: Type.String(), name: Type.String(), displayName: Type.String() },
      { additionalProperties: true },
    ),
    challenge: Type.String({ description: 'base64url; valid for five minutes, for this login only.' }),
    pubKeyCredParams: Type.Array(Type.Object({ type: Type.String(), alg: Type.Integer() })),
    timeout: Type.Optional(Type.Integer()),
    excludeCredentials: Type.Optional(
      Type.Array(CredentialDescriptor, { description: "The user's passkeys already registered." }),
    ),
    authenticatorSelection: Type.Optional(Type.Object({}, { additionalProperties: true })),
    attestation: Type.Optional(Type.String()),
    extensions: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { additionalProperties: true },
);

export const PasskeyOptionsData = Type.Object({ options: PasskeyCreationOptions });
export const PasskeyRegisteredData = Type.Object({ credentialId: Type.String(), registeredAt: Instant });
export const PasskeysData = Type.Object({
  passkeys: Type.Array(
    Type.Object({ credentialId: Type.String(), transports: Type.Array(Type.String()), registeredAt: Instant }),
    { description: "The user's passkeys for this app, oldest first." },
  ),
});
export const PasskeyRemovedData = Type.Object({ credentialId: Type.String(), removed: Type.Literal(true) });
export const PasskeyParams = Type.Object(
  { credentialId: { ...PasskeyCredentialId, description: 'A `credentialId` of GET /v1/user/passkeys.' } },
  { additionalProperties: false },
);

/** The body of POST /v1/user/otp answering a login's (or a step-up's) challenge with a passkey. */
export const passkeyAnswer = {
  sessionId: SessionId,
  username: Username,
  challengeType: Type.Literal('PASSKEY', {
    description: "A passkey's assertion instead of the SMS code: on a login or step-up session only.",
  }),
  passkeyResponse: PasskeyAssertionResponse,
};

export type RegisterPasskeyBody = Static<typeof RegisterPasskeyBody>;
export type PasskeyParams = Static<typeof PasskeyParams>;
export type PasskeyCreationOptions = Static<typeof PasskeyCreationOptions>;
