/** What became of each SMS, as the notifier reports it. */
import { Type } from '@sinclair/typebox';
import { event, Id, SmsPurpose } from './eventSchema.ts';

export const smsEvents = {
  SmsDispatched: event(
    'SmsDispatched',
    /** Version 2: `purpose` may be NEW_SIGN_IN; version 3: PHONE_NUMBER_CHANGED or RECOVERY_CODES; version 4: PASSKEYS. */
    4,
    Type.Object({
      userId: Id,
      /** The event the SMS was about (`OtpIssued`, `PasswordChanged`, `NewDeviceSignInNoticed`, `PhoneNumberChanged`, `RecoveryCode…`, `Passkey…`). */
      sourceEventId: Id,
      purpose: SmsPurpose,
      provider: Type.String(),
      providerMessageId: Type.String(),
    }),
  ),
  SmsDispatchFailed: event(
    'SmsDispatchFailed',
    /** Version 2: `purpose` may be NEW_SIGN_IN; version 3: PHONE_NUMBER_CHANGED or RECOVERY_CODES; version 4: PASSKEYS. */
    4,
    Type.Object({
      userId: Id,
      sourceEventId: Id,
      purpose: SmsPurpose,
      /** PERMANENT: the provider refused (e.g. invalid number); EXHAUSTED: every retry and provider failed; EXPIRED: too late to send. */
      reason: Type.Union([Type.Literal('PERMANENT'), Type.Literal('EXHAUSTED'), Type.Literal('EXPIRED')]),
      provider: Type.Optional(Type.String()),
      httpStatus: Type.Optional(Type.Integer()),
    }),
  ),
  SmsDeliveryReported: event(
    'SmsDeliveryReported',
    1,
    Type.Object({
      userId: Id,
      sourceEventId: Id,
      providerMessageId: Type.String(),
      /** queued | sent | delivered | undelivered | failed, as the provider reports it. */
      status: Type.String(),
      errorCode: Type.Optional(Type.String()),
    }),
  ),
} as const;
