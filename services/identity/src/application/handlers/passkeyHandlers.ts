/**
 * Passkeys (ADR 31): creation options for a live login, the browser's answer
 * verified against the client's relying party inside the decision on the
 * user's stream, and the user's passkeys listed and removed.
 */
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { SealedPasskeyNotice } from '@tessera/contracts';
import { sealJson } from '@tessera/crypto';
import { answerWithoutUser } from '../../domain/userDecider.ts';
import { signedInRefusal } from '../../domain/passkeysDecider.ts';
import { challengeOf, stepUpOf, type UserState } from '../../domain/userState.ts';
import type { CommandContext } from '../commandContext.ts';
import {
  passkeyLoginChallenge,
  passkeyLoginOptions,
  passkeyRegistrationChallenge,
  passkeyRegistrationOptions,
  passkeyStepUpChallenge,
  registrationChallengeCheck,
  verifyPasskeyAssertion,
  verifyPasskeyRegistration,
} from '../passkeyVerification.ts';
import { reauthenticationOf } from '../passwordCheck.ts';
import { replyTo, type CommandHandler, type CommandHandlers } from './commandHandler.ts';

const relyingPartyOf = ({ config }: CommandContext, clientId: string) =>
  Object.hasOwn(config.passkeyRelyingParties, clientId) ? config.passkeyRelyingParties[clientId] : undefined;

/** The user's state when the token's login is live and of this client; else the refusal. */
async function signedIn(context: CommandContext, payload: { userId: string; familyId: string }, clientId: string) {
  const state = await context.loadUser(payload.userId);
  const now = context.clock().toISOString();
  const refused =
    answerWithoutUser('RemovePasskey', state) ?? signedInRefusal({ familyId: payload.familyId, clientId, now }, state);
  return refused?.rejection ? { refused: refused.rejection } : { state };
}

const startPasskeyRegistration: CommandHandler<'StartPasskeyRegistration'> = async (command, context) => {
  const { payload, metadata } = command;
  const rp = relyingPartyOf(context, metadata.clientId);
  if (!rp) return { ok: false, error: 'PASSKEYS_NOT_OFFERED' };
  const user = await signedIn(context, payload, metadata.clientId);
  if (!user.state) return { ok: false, ...user.refused };
  const issuedAt = Math.floor(context.clock().getTime() / 1000);
  const challenge = passkeyRegistrationChallenge(context.keys.hashingKey, payload.userId, payload.familyId, issuedAt);
  const named = { userId: payload.userId, userName: payload.userName };
  const options = await passkeyRegistrationOptions(rp, named, challenge, user.state.passkeys);
  return { ok: true, data: { options: options as unknown as Record<string, unknown> } };
};

const registerPasskey: CommandHandler<'RegisterPasskey'> = async (command, context) => {
  const { payload, metadata } = command;
  const rp = relyingPartyOf(context, metadata.clientId);
  if (!rp) return { ok: false, error: 'PASSKEYS_NOT_OFFERED' };
  const password = payload.sealedSecrets ? context.openSecret(payload.sealedSecrets, 'password') : undefined;
  // Exactly one proof: the password or a step-up token.
  if ((password === undefined) === (payload.stepUp === undefined)) return { ok: false, error: 'VALIDATION_FAILED' };
  const { keys, clock } = context;
  const outcome = await context.decideOnUser(command, payload.userId, async (state: UserState, isRealUser) => {
    const now = clock();
    const check = registrationChallengeCheck(keys.hashingKey, payload.userId, payload.familyId, now.getTime() / 1000);
    const response = payload.response as unknown as RegistrationResponseJSON;
    const credential = await verifyPasskeyRegistration(rp, response, check);
    const none = { credentialId: '', publicKey: '', counter: 0, transports: [] };
    const proof = { password, stepUp: payload.stepUp };
    return {
      type: 'RegisterPasskey',
      verified: credential !== undefined,
      credential: credential ?? none,
      proof: await reauthenticationOf(context, state, isRealUser, proof, now.toISOString()),
      familyId: payload.familyId,
      clientId: metadata.clientId,
      now: now.toISOString(),
      ...noticeOf(context, state, isRealUser),
    };
  });
  return replyTo(outcome, () => {
    const registered = outcome.decision.events.find((event) => event.type === 'PasskeyRegistered');
    if (registered?.type !== 'PasskeyRegistered') throw new Error('a passkey was accepted without being registered');
    const { userId, credentialId, registeredAt } = registered.data;
    return { userId, credentialId, registeredAt };
  });
};

/** The "passkey added" or "passkey removed" SMS, sealed for the notifier: to the user's phone, in their language. */
function noticeOf({ keys }: CommandContext, state: UserState, isRealUser: boolean) {
  if (!isRealUser) return {};
  const notice: SealedPasskeyNotice = state.locale
    ? { to: state.phoneNumber, locale: state.locale }
    : { to: state.phoneNumber };
  return { sealedNotice: sealJson(keys.notifierPublicKey, notice) };
}

const removePasskey: CommandHandler<'RemovePasskey'> = async (command, context) => {
  const { payload, metadata } = command;
  const outcome = await context.decideOnUser(command, payload.userId, (state, isRealUser) => ({
    type: 'RemovePasskey',
    credentialId: payload.credentialId,
    familyId: payload.familyId,
    clientId: metadata.clientId,
    now: context.clock().toISOString(),
    // Sealed only for a passkey this client may remove: a refused removal costs no sealing.
    ...(isRealUser &&
    state.passkeys.some(
      (passkey) => passkey.credentialId === payload.credentialId && passkey.clientId === metadata.clientId,
    )
      ? noticeOf(context, state, isRealUser)
      : {}),
  }));
  return replyTo(outcome, () => ({
    userId: payload.userId,
    credentialId: payload.credentialId,
    removed: true as const,
  }));
};

/** Only this client's passkeys: another's relying party is not this app's to show. */
const listPasskeys: CommandHandler<'ListPasskeys'> = async (command, context) => {
  const user = await signedIn(context, command.payload, command.metadata.clientId);
  if (!user.state) return { ok: false, ...user.refused };
  const passkeys = user.state.passkeys
    .filter((passkey) => passkey.clientId === command.metadata.clientId)
    .map(({ credentialId, transports, registeredAt }) => ({ credentialId, transports, registeredAt }));
  return { ok: true, data: { passkeys } };
};

export const passkeyHandlers: CommandHandlers<
  'StartPasskeyRegistration' | 'RegisterPasskey' | 'RemovePasskey' | 'ListPasskeys'
> = {
  StartPasskeyRegistration: startPasskeyRegistration,
  RegisterPasskey: registerPasskey,
  RemovePasskey: removePasskey,
  ListPasskeys: listPasskeys,
};

/**
 * What a login's or a step-up's passkey answer presents to the decider: the assertion verified against the client's
 * relying party, the challenge of this session, and the user's passkeys of this client (the counter is the decider's).
 */
export async function passkeyPresented(
  context: CommandContext,
  state: UserState,
  sessionId: string,
  clientId: string,
  response: Record<string, unknown> | undefined,
) {
  const rp = relyingPartyOf(context, clientId);
  const base = { challengeType: 'PASSKEY' as const, presentedCodeHash: '' };
  if (!rp || !response) return base;
  const passkeys = state.passkeys.filter((passkey) => passkey.clientId === clientId);
  const challenge = passkeyChallenge(context, state, sessionId);
  const assertion = response as unknown as AuthenticationResponseJSON;
  const passkey = await verifyPasskeyAssertion(rp, passkeys, assertion, challenge);
  return passkey ? { ...base, passkey } : base;
}

/**
 * Request options for a challenge just opened (a login's or a step-up's, read from `state`, the state after it was
 * opened), when the user has passkeys for this client's relying party.
 */
export async function passkeyRequestOptions(
  context: CommandContext,
  state: UserState,
  sessionId: string,
  clientId: string,
) {
  const rp = relyingPartyOf(context, clientId);
  const passkeys = state.passkeys.filter((passkey) => passkey.clientId === clientId);
  if (!rp || passkeys.length === 0) return {};
  const options = await passkeyLoginOptions(rp, passkeys, passkeyChallenge(context, state, sessionId));
  return { passkeyOptions: options as unknown as Record<string, unknown> };
}

/**
 * The WebAuthn challenge a session's assertion must sign: a step-up's binds its transaction's hash (dynamic linking),
 * a login's its session alone. Read from the state the decision is made on, so options and answer agree.
 */
function passkeyChallenge({ keys }: CommandContext, state: UserState, sessionId: string): string {
  if (challengeOf(state, sessionId)?.purpose !== 'STEP_UP') return passkeyLoginChallenge(keys.hashingKey, sessionId);
  return passkeyStepUpChallenge(keys.hashingKey, sessionId, stepUpOf(state, sessionId)?.transactionHash);
}
