/**
 * Generating recovery codes: with the password, opened and checked as at login
 * (one hash whatever happens), or with a step-up token the gateway verified,
 * consumed in the same decision. The codes leave only in the sealed reply.
 */
import type { UserState } from '../../domain/userState.ts';
import type { CommandContext } from '../commandContext.ts';
import { drawRecoveryCodes, sealRecoveryCodesNotice } from '../recoveryCodeFactory.ts';
import { replyTo, type CommandHandler, type CommandHandlers } from './commandHandler.ts';
import { reauthenticationOf } from '../passwordCheck.ts';

const generateRecoveryCodes: CommandHandler<'GenerateRecoveryCodes'> = async (command, context) => {
  const { payload } = command;
  const password = payload.sealedSecrets ? context.openSecret(payload.sealedSecrets, 'password') : undefined;
  // Exactly one proof: the password or a step-up token.
  if ((password === undefined) === (payload.stepUp === undefined)) return { ok: false, error: 'VALIDATION_FAILED' };
  const { keys, clock } = context;
  let codes: string[] = [];
  const outcome = await context.decideOnUser(command, payload.userId, async (state, isRealUser) => {
    const now = clock().toISOString();
    const drawn = drawRecoveryCodes(keys, payload.userId);
    codes = drawn.codes;
    return {
      type: 'GenerateRecoveryCodes',
      proof: await reauthenticationOf(context, state, isRealUser, { password, stepUp: payload.stepUp }, now),
      familyId: payload.familyId,
      clientId: command.metadata.clientId,
      codeHashes: drawn.codeHashes,
      now,
      ...noticeOf(context, state, isRealUser),
    };
  });
  return replyTo(outcome, () => {
    const generated = outcome.decision.events.find((event) => event.type === 'RecoveryCodesGenerated');
    if (generated?.type !== 'RecoveryCodesGenerated') throw new Error('recovery codes were accepted without a set');
    return { userId: payload.userId, recoveryCodes: codes, generatedAt: generated.data.generatedAt };
  });
};

function noticeOf({ keys }: CommandContext, state: UserState, isRealUser: boolean) {
  if (!isRealUser) return {};
  return { sealedNotice: sealRecoveryCodesNotice(keys, state.phoneNumber, state.locale) };
}

export const recoveryCodesHandlers: CommandHandlers<'GenerateRecoveryCodes'> = {
  GenerateRecoveryCodes: generateRecoveryCodes,
};
