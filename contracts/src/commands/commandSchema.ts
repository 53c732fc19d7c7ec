/** What every identity command's schema is built from: its metadata, the challenge types, and the command envelope. */
import { Type } from '@sinclair/typebox';

export const ChallengeType = Type.Union([Type.Literal('SMS_OTP')]);

export const CommandMetadata = Type.Object({
  correlationId: Type.String(),
  clientId: Type.String(),
});

export function command<N extends string, P extends ReturnType<typeof Type.Object>>(type: N, payload: P) {
  return Type.Object({ type: Type.Literal(type), metadata: CommandMetadata, payload });
}
