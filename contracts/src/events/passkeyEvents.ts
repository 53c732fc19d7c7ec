/**
 * Passkeys (WebAuthn): a credential registered by a signed-in user, used to
 * answer a login challenge, and removed. The public key and the signature
 * counter live on the user's stream, so identity checks the counter in the same
 * decision that records it. No private key ever reaches Tessera.
 */
import { Type } from '@sinclair/typebox';
import { event, Id, Instant } from './eventSchema.ts';

/** A WebAuthn credential id, base64url as the authenticator gave it. */
const CredentialId = Type.String({ minLength: 1, maxLength: 1366 });

export const passkeyEvents = {
  PasskeyRegistered: event(
    'PasskeyRegistered',
    1,
    Type.Object({
      userId: Id,
      credentialId: CredentialId,
      /** The credential's COSE public key, base64url. Public by nature: it verifies signatures and makes none. */
      publicKey: Type.String({ minLength: 1 }),
      /** The authenticator's signature counter at registration (0 for authenticators that keep none). */
      counter: Type.Integer({ minimum: 0 }),
      /** How the browser may reach the authenticator (`internal`, `hybrid`, `usb`, ...), as it reported them. */
      transports: Type.Array(Type.String({ maxLength: 32 }), { maxItems: 8 }),
      /** The API client whose relying party the credential is bound to: only its logins may use it. */
      clientId: Id,
      registeredAt: Instant,
      /** How the user proved it again: the password, or a step-up token for MANAGE_PASSKEYS. */
      authorisedBy: Type.Union([Type.Literal('PASSWORD'), Type.Literal('STEP_UP')]),
      /** `{to, locale}` sealed to the notifier's key for the "passkey added" SMS; personal data. */
      sealedNotice: Type.Optional(Type.String()),
    }),
  ),
  PasskeyUsed: event(
    'PasskeyUsed',
    1,
    Type.Object({
      userId: Id,
      /** The login challenge the passkey answered. */
      sessionId: Id,
      credentialId: CredentialId,
      /** The counter the authenticator signed: the next use must sign a greater one (unless both stay 0). */
      counter: Type.Integer({ minimum: 0 }),
    }),
  ),
  PasskeyRemoved: event(
    'PasskeyRemoved',
    1,
    Type.Object({
      userId: Id,
      credentialId: CredentialId,
      removedAt: Instant,
      /** `{to, locale}` sealed to the notifier's key for the "passkey removed" SMS; personal data. */
      sealedNotice: Type.Optional(Type.String()),
    }),
  ),
} as const;
