/**
 * Every command identity takes, by type, and the handler that takes it. Each
 * feature's file lists its own handlers; the compiler refuses a command of the
 * contract that no feature handles.
 */
import { accountHandlers } from './accountHandlers.ts';
import { apiClientHandlers } from './apiClientHandlers.ts';
import type { CommandHandlers } from './commandHandler.ts';
import { credentialHandlers } from './credentialHandlers.ts';
import { passkeyHandlers } from './passkeyHandlers.ts';
import { phoneNumberHandlers } from './phoneNumberHandlers.ts';
import { recoveryCodesHandlers } from './recoveryCodesHandlers.ts';
import { registrationHandlers } from './registrationHandlers.ts';
import { sessionHandlers } from './sessionHandlers.ts';
import { stepUpHandlers } from './stepUpHandlers.ts';

export const commandHandlers: CommandHandlers = {
  ...registrationHandlers,
  ...credentialHandlers,
  ...sessionHandlers,
  ...accountHandlers,
  ...apiClientHandlers,
  ...stepUpHandlers,
  ...phoneNumberHandlers,
  ...recoveryCodesHandlers,
  ...passkeyHandlers,
};
