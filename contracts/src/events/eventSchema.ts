/** What every identity event's schema is built from: ids, instants, purposes, and the event envelope's metadata. */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

export const Id = Type.String({ minLength: 1, maxLength: 64 });
export const Instant = Type.String({ format: 'date-time' });
/**
 * What a code is for; `STEP_UP` since OtpIssued v2, OtpSendingSuppressed v3 and OtpVerified v2;
 * `PHONE_NUMBER_CHANGE` (a code sent to a new number, proving it is the user's) since OtpIssued v3,
 * OtpSendingSuppressed v4 and OtpVerified v3.
 */
export const OtpPurpose = Type.Union([
  Type.Literal('LOGIN'),
  Type.Literal('PASSWORD_RESET'),
  Type.Literal('STEP_UP'),
  Type.Literal('PHONE_NUMBER_CHANGE'),
]);
export type OtpPurposeName = Static<typeof OtpPurpose>;
/**
 * What an SMS was for; `NEW_SIGN_IN` since SmsDispatched v2 and SmsDispatchFailed v2; `PHONE_NUMBER_CHANGED`
 * (the notice to the number given up) and `RECOVERY_CODES` (codes generated, or one used) since v3; `PASSKEYS` (a
 * passkey added or removed) since v4.
 */
export const SmsPurpose = Type.Union([
  Type.Literal('OTP'),
  Type.Literal('PASSWORD_CHANGED'),
  Type.Literal('NEW_SIGN_IN'),
  Type.Literal('PHONE_NUMBER_CHANGED'),
  Type.Literal('RECOVERY_CODES'),
  Type.Literal('PASSKEYS'),
]);

export const EventMetadata = Type.Object({
  correlationId: Type.String(),
  causationId: Type.Optional(Type.String()),
  clientId: Type.Optional(Type.String()),
  occurredAt: Instant,
});
export type EventMetadata = Static<typeof EventMetadata>;

/** One entry of the catalogue: the `type` string, its schema version, the schema of its data. */
export function event<N extends string, D extends TSchema>(type: N, schemaVersion: number, data: D) {
  return { type, schemaVersion, data } as const;
}
