/**
 * Recovery codes: the fallback that needs no phone. Ten single-use codes, shown
 * once; each answers one login or password-reset challenge instead of the SMS code.
 */
import { Type, type Static } from '@sinclair/typebox';
import { example } from '../apiExamples.ts';
import { RECOVERY_CODE_COUNT, RECOVERY_CODE_PATTERN } from '../recoveryCodes.ts';
import { CurrentPassword, Instant } from './fields.ts';
import { StepUpToken } from './stepUp.ts';

export const RecoveryCode = Type.String({
  pattern: RECOVERY_CODE_PATTERN,
  maxLength: 11,
  description:
    'A recovery code: 10 characters of `0-9 a-z` without `i`, `l`, `o` and `u`, in either case, the hyphen after the fifth optional.',
  examples: [example.recoveryCode],
});

/** The password, or a step-up token for MANAGE_RECOVERY_CODES: one shape each (ADR 20). */
export const GenerateRecoveryCodesBody = Type.Union(
  [
    Type.Object({ password: CurrentPassword }, { additionalProperties: false, title: 'RecoveryCodesWithPassword' }),
    Type.Object(
      {
        stepUpToken: {
          ...StepUpToken,
          description: 'A `stepUpToken` for the action MANAGE_RECOVERY_CODES, of this user and this client.',
        },
      },
      { additionalProperties: false, title: 'RecoveryCodesWithStepUp' },
    ),
  ],
  {
    examples: [{ password: example.password }, { stepUpToken: example.stepUpToken }],
    description: 'The password again, or a fresh step-up token for MANAGE_RECOVERY_CODES.',
  },
);

export const RecoveryCodesData = Type.Object({
  recoveryCodes: Type.Array(RecoveryCode, {
    minItems: RECOVERY_CODE_COUNT,
    maxItems: RECOVERY_CODE_COUNT,
    description: 'Shown this once: each works once. Any codes generated before stopped working.',
  }),
  generatedAt: Instant,
});

export type GenerateRecoveryCodesBody = Static<typeof GenerateRecoveryCodesBody>;
export type RecoveryCodesData = Static<typeof RecoveryCodesData>;
