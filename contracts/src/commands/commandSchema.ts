/** What every identity command's schema is built from: its metadata, the challenge types, and the command envelope. */
import { Type } from '@sinclair/typebox';

/** SMS_OTP: the code of the SMS; RECOVERY_CODE: one of the user's recovery codes, on a login or reset challenge. */
export const ChallengeType = Type.Union([Type.Literal('SMS_OTP'), Type.Literal('RECOVERY_CODE')]);

export const CommandMetadata = Type.Object({
  correlationId: Type.String(),
  clientId: Type.String(),
});

export function command<N extends string, P extends ReturnType<typeof Type.Object>>(type: N, payload: P) {
  return Type.Object({ type: Type.Literal(type), metadata: CommandMetadata, payload });
}
