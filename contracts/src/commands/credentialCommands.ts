/** Login with a password then a code, resending a code, a password reset, and the notifier's SMS reports. */
import { Type, type Static } from '@sinclair/typebox';
import { Device } from '../devices.ts';
import { SmsPurpose } from '../events/eventSchema.ts';
import { ChallengeType, command } from './commandSchema.ts';

/** Sealed JSON `{password}`; the device the app declares, if any, goes with the session the code starts. */
export const StartLogin = command(
  'StartLogin',
  Type.Object({ email: Type.String(), sealedSecrets: Type.String(), device: Type.Optional(Device) }),
);
/**
 * Sealed JSON `{code}`; the refresh token hash is used only if a LOGIN session succeeds. For PASSKEY, `passkeyResponse`
 * is the browser's AuthenticationResponseJSON (no secret: a signature over this session's challenge) and the sealed
 * secrets carry no code.
 */
export const VerifyOtp = command(
  'VerifyOtp',
  Type.Object({
    email: Type.String(),
    sessionId: Type.String(),
    challengeType: Type.Union([ChallengeType, Type.Literal('PASSKEY')]),
    sealedSecrets: Type.String(),
    newRefreshTokenHash: Type.String(),
    passkeyResponse: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  }),
);
export const ResendOtp = command('ResendOtp', Type.Object({ email: Type.String(), sessionId: Type.String() }));
export const StartPasswordReset = command('StartPasswordReset', Type.Object({ email: Type.String() }));
/** Sealed JSON `{password}` */
export const StagePasswordChange = command(
  'StagePasswordChange',
  Type.Object({
    email: Type.String(),
    sessionId: Type.String(),
    challengeType: ChallengeType,
    sealedSecrets: Type.String(),
  }),
);

/** The notifier's record of what became of an SMS, kept in the user's stream for auditors. */
export const RecordSmsOutcome = command(
  'RecordSmsOutcome',
  Type.Object({
    userId: Type.String(),
    outcome: Type.Union([
      Type.Object({
        type: Type.Literal('SmsDispatched'),
        sourceEventId: Type.String(),
        purpose: SmsPurpose,
        provider: Type.String(),
        providerMessageId: Type.String(),
      }),
      Type.Object({
        type: Type.Literal('SmsDispatchFailed'),
        sourceEventId: Type.String(),
        purpose: SmsPurpose,
        reason: Type.Union([Type.Literal('PERMANENT'), Type.Literal('EXHAUSTED'), Type.Literal('EXPIRED')]),
        provider: Type.Optional(Type.String()),
        httpStatus: Type.Optional(Type.Integer()),
      }),
      Type.Object({
        type: Type.Literal('SmsDeliveryReported'),
        sourceEventId: Type.String(),
        providerMessageId: Type.String(),
        status: Type.String(),
        errorCode: Type.Optional(Type.String()),
      }),
    ]),
  }),
);

export type StartLogin = Static<typeof StartLogin>;
export type VerifyOtp = Static<typeof VerifyOtp>;
export type ResendOtp = Static<typeof ResendOtp>;
export type StartPasswordReset = Static<typeof StartPasswordReset>;
export type StagePasswordChange = Static<typeof StagePasswordChange>;
export type RecordSmsOutcome = Static<typeof RecordSmsOutcome>;
