/**
 * Identity's command handlers: each turns a wire command into a domain
 * command (doing the I/O and cryptography a pure decider cannot), runs the
 * decider on the right stream and answers a CommandResult.
 */
import { randomUUID } from 'node:crypto';
import {
  maskPhoneNumber,
  normaliseEmail,
  streams,
  type ChallengeReply,
  type CommandReplies,
  type CommandResult,
  type EventMetadata,
  type IdentityCommand,
} from '@tessera/contracts';
import { createReceivingChannel, keyedHash, timeOrderedUuid } from '@tessera/crypto';
import type { IdentityEvent } from '@tessera/contracts';
import { decideApiClient, evolveApiClient } from '../domain/apiClient.ts';
import type { Decision } from '../domain/decision.ts';
import { loginLockSecondsLeft } from '../domain/loginLock.ts';
import { passwordPolicyViolation } from '../domain/passwordPolicy.ts';
import { decideUser, kycStartRefusal, portfolioRefusal, type UserCommand } from '../domain/userDecider.ts';
import { challengeOf, evolveUser, initialUserState, loginFailuresOf, type UserState } from '../domain/userState.ts';
import { withPersonalDataProtection } from '@tessera/personal-data';
import { decideAndAppend, loadStream, type DecideOutcome } from './decideAndAppend.ts';
import { createDecoyPhoneNumbers, decoyUserId } from './unknownEmailDecoys.ts';
import type { IdentityDependencies } from './identityConfig.ts';
import { issueOtp, otpCodeHash, sealPasswordChangedNotice } from './otpFactory.ts';
import { createPhantomUsers } from './phantomUsers.ts';
import { createReservations } from './reservations.ts';
import { createStreamStateCache } from './streamStateCache.ts';

export interface IdentityService {
  handle(command: IdentityCommand): Promise<CommandResult>;
}

type Reply<K extends keyof CommandReplies> = Promise<CommandResult<CommandReplies[K]>>;

export function createIdentityService(deps: IdentityDependencies): IdentityService {
  const { passwordHasher, breachedPasswords, keys, config, clock } = deps;
  const store = withPersonalDataProtection(deps.eventStore, deps.personalData);
  const cache = createStreamStateCache(config.cachedStreams);
  const decoyPhones = createDecoyPhoneNumbers(keys.hashingKey, config.decoyPhoneCountries);
  // Every real user's number counts towards the shapes decoys take: a user stream replays
  // UserRegistered once when it is first loaded (or written), so each user counts once per load.
  const evolveUserSeen = (state: UserState, event: IdentityEvent): UserState => {
    if (event.type === 'UserRegistered') decoyPhones.observe(event.data.phoneNumber);
    return evolveUser(state, event);
  };
  const phantoms = createPhantomUsers(config.unknownEmailsRemembered, evolveUser);

  const metadataOf = (command: IdentityCommand): EventMetadata => ({
    correlationId: command.metadata.correlationId,
    clientId: command.metadata.clientId,
    occurredAt: clock().toISOString(),
  });

  const loadUser = async (userId: string) =>
    (await loadStream(store, streams.user(userId), evolveUserSeen, initialUserState, cache)).state;
  const reservations = createReservations({
    store,
    hashingKey: keys.hashingKey,
    cache,
    clientOf: async (userId) => (await loadUser(userId)).clientId,
    abandoned: async (holderUserId, claimedAt) => {
      const old = clock().getTime() - Date.parse(claimedAt ?? '') > config.reservationStaleAfterSeconds * 1000;
      return old && (await store.readStream(streams.user(holderUserId), { maxCount: 1 })).length === 0;
    },
  });

  const secretsChannel = createReceivingChannel(keys.commandKeyPair);
  const openSecrets = <T>(sealed: string) => secretsChannel.open<T>(sealed)?.value;

  /** Checked before any hashing or lookup, on sign-up and on every password change or reset. */
  const newPasswordViolation = (password: string) =>
    passwordPolicyViolation(password, (folded) => breachedPasswords.has(folded));

  /**
   * Runs a user command on the calling client's user holding `email`. An email
   * with no user of this client (unknown, or another client's user) meets its
   * phantom instead: the same rules, the same answers, nothing written. Its
   * lookup reads two reservation streams (the client's, then the one from
   * before users were bound to clients) where a real user's reads one and the
   * user's stream: the event store sees the same reads. `toDomain` learns
   * whether the user is real, for the one thing a phantom lacks: a password
   * hash to check.
   */
  async function onUser(
    command: IdentityCommand,
    email: string,
    toDomain: (state: UserState, real: boolean) => UserCommand | Promise<UserCommand>,
  ): Promise<DecideOutcome> {
    const { clientId } = command.metadata;
    const normalised = normaliseEmail(email);
    const userId = await reservations.holder('email', clientId, normalised);
    if (userId !== undefined) {
      return decideAndAppend(
        store,
        streams.user(userId),
        evolveUserSeen,
        initialUserState,
        async (state) => decideUser(await toDomain(state, true), state),
        metadataOf(command),
        cache,
      );
    }
    const phantomKey = keyedHash(keys.hashingKey, 'phantom', clientId, normalised);
    const phantomId = decoyUserId(keys.hashingKey, phantomKey);
    const decision = await phantoms.decide(
      phantomKey,
      () => ({
        ...initialUserState(),
        registered: true,
        userId: phantomId,
        clientId,
        email: normalised,
        roles: ['USER'],
        phoneNumber: decoyPhones.numberFor(phantomKey),
      }),
      async (state) => decideUser(await toDomain(state, false), state),
    );
    return { decision };
  }

  function answer<D>(outcome: { decision: Decision; position?: number }, data: () => D): CommandResult<D> {
    const { rejection } = outcome.decision;
    if (rejection) return { ok: false, ...rejection };
    return outcome.position === undefined
      ? { ok: true, data: data() }
      : { ok: true, data: data(), position: outcome.position };
  }

  const challengeReply = (sessionId: string, phoneNumber: string): ChallengeReply => {
    return {
      sessionId,
      challengeType: 'SMS_OTP',
      codeDeliveryDestination: maskPhoneNumber(phoneNumber),
      expiresIn: config.otpTtlSeconds,
    };
  };

  async function registerUser(command: Extract<IdentityCommand, { type: 'RegisterUser' }>): Reply<'RegisterUser'> {
    const { payload } = command;
    const secrets = openSecrets<{ password: string }>(payload.sealedSecrets);
    if (!secrets || typeof secrets.password !== 'string') return { ok: false, error: 'VALIDATION_FAILED' };
    const violation = newPasswordViolation(secrets.password);
    if (violation) return { ok: false, error: violation };
    const roles = payload.roles.length > 0 ? payload.roles : ['USER'];
    if (roles.some((role) => !config.allowedSignUpRoles.includes(role)))
      return { ok: false, error: 'ROLE_NOT_ALLOWED' };
    const email = normaliseEmail(payload.email);
    const userId = randomUUID();
    const accountId = randomUUID();
    const passwordHash = await passwordHasher.hash(secrets.password);
    const { clientId } = command.metadata;
    const metadata = metadataOf(command);
    if (!(await reservations.reserve('email', clientId, email, userId, metadata)))
      return { ok: false, error: 'REGISTRATION_CONFLICT' };
    if (!(await reservations.reserve('phone', clientId, payload.phoneNumber, userId, metadata))) {
      await reservations.release('email', clientId, email, userId, metadata);
      return { ok: false, error: 'REGISTRATION_CONFLICT' };
    }
    const outcome = await decideAndAppend(
      store,
      streams.user(userId),
      evolveUserSeen,
      initialUserState,
      (state) =>
        decideUser(
          {
            type: 'RegisterUser',
            userId,
            accountId,
            email,
            phoneNumber: payload.phoneNumber,
            passwordHash,
            roles,
            allowedRoles: config.allowedSignUpRoles,
            clientId: command.metadata.clientId,
            ...(payload.locale ? { locale: payload.locale } : {}),
          },
          state,
        ),
      metadataOf(command),
      cache,
    );
    return answer(outcome, () => ({ userId, email, phoneNumber: payload.phoneNumber, accountId, roles }));
  }

  async function startLogin(command: Extract<IdentityCommand, { type: 'StartLogin' }>): Reply<'StartLogin'> {
    const secrets = openSecrets<{ password: string }>(command.payload.sealedSecrets);
    if (!secrets || typeof secrets.password !== 'string') return { ok: false, error: 'VALIDATION_FAILED' };
    const sessionId = randomUUID();
    let user = initialUserState();
    const outcome = await onUser(command, command.payload.email, async (state, real) => {
      user = state;
      const attemptedAt = clock().toISOString();
      // While login is locked the real hash is not checked at all; every attempt still costs one
      // hash, so a locked account, an unknown user and a real check take the same time.
      const checkRealHash = real && loginLockSecondsLeft(loginFailuresOf(state), attemptedAt) === 0;
      const passwordMatches = checkRealHash
        ? await passwordHasher.verify(state.passwordHash, secrets.password)
        : (await passwordHasher.verifyDummy(secrets.password), false);
      return {
        type: 'StartLogin',
        passwordMatches,
        sessionId,
        otp: issueOtp(keys, config, sessionId, state.phoneNumber, clock(), state.locale),
        now: attemptedAt,
        smsBudget: config.smsBudget,
        loginLock: config.loginLock,
      };
    });
    return answer(outcome, () => challengeReply(sessionId, user.phoneNumber));
  }

  async function verifyOtp(command: Extract<IdentityCommand, { type: 'VerifyOtp' }>): Reply<'VerifyOtp'> {
    const { payload } = command;
    const secrets = openSecrets<{ code: string }>(payload.sealedSecrets);
    if (!secrets || typeof secrets.code !== 'string') return { ok: false, error: 'VALIDATION_FAILED' };
    // Time-ordered, like event ids: every login adds a session document, at the end of its index.
    const familyId = timeOrderedUuid();
    const now = clock();
    const refreshExpiresAt = new Date(now.getTime() + config.refreshTokenTtlSeconds * 1000).toISOString();
    let user = initialUserState();
    const outcome = await onUser(command, payload.email, (state) => {
      user = state;
      return {
        type: 'VerifyOtp',
        sessionId: payload.sessionId,
        presentedCodeHash: otpCodeHash(keys, payload.sessionId, secrets.code),
        familyId,
        newRefreshTokenHash: payload.newRefreshTokenHash,
        refreshExpiresAt,
        now: now.toISOString(),
        accountLockThreshold: config.otpAccountLockThreshold,
        clientId: command.metadata.clientId,
        ...(challengeOf(state, payload.sessionId)?.purpose === 'PASSWORD_RESET'
          ? { passwordChangedNotice: sealPasswordChangedNotice(keys, state.phoneNumber, state.locale) }
          : {}),
      };
    });
    const purpose = challengeOf(user, payload.sessionId)?.purpose;
    return answer(outcome, () =>
      purpose === 'PASSWORD_RESET'
        ? { purpose: 'PASSWORD_RESET' as const, userId: user.userId, passwordChanged: true as const }
        : {
            purpose: 'LOGIN' as const,
            userId: user.userId,
            sessionId: payload.sessionId,
            familyId,
            roles: user.roles,
            refreshExpiresAt,
          },
    );
  }

  async function resendOtp(command: Extract<IdentityCommand, { type: 'ResendOtp' }>): Reply<'ResendOtp'> {
    let phoneNumber = '';
    const outcome = await onUser(command, command.payload.email, (state) => {
      phoneNumber = state.phoneNumber;
      return {
        type: 'ResendOtp',
        sessionId: command.payload.sessionId,
        otp: issueOtp(keys, config, command.payload.sessionId, state.phoneNumber, clock(), state.locale),
        cooldownSeconds: config.otpResendCooldownSeconds,
        now: clock().toISOString(),
        smsBudget: config.smsBudget,
      };
    });
    if (outcome.decision.rejection?.error === 'INVALID_CREDENTIALS') return { ok: false, error: 'OTP_INVALID' };
    return answer(outcome, () => challengeReply(command.payload.sessionId, phoneNumber));
  }

  async function refreshSession(
    command: Extract<IdentityCommand, { type: 'RefreshSession' }>,
  ): Reply<'RefreshSession'> {
    const { payload } = command;
    let user = initialUserState();
    const outcome = await onUser(command, payload.email, (state) => {
      user = state;
      return {
        type: 'RefreshSession',
        presentedTokenHash: payload.presentedTokenHash,
        newRefreshTokenHash: payload.newRefreshTokenHash,
        now: clock().toISOString(),
        clientId: command.metadata.clientId,
      };
    });
    return answer(outcome, () => {
      const [familyId, family] = Object.entries(user.families).find(
        ([, candidate]) => candidate.currentTokenHash === payload.presentedTokenHash,
      )!;
      return {
        userId: user.userId,
        sessionId: family.sessionId,
        familyId,
        roles: user.roles,
        refreshExpiresAt: family.expiresAt,
      };
    });
  }

  async function startPasswordReset(
    command: Extract<IdentityCommand, { type: 'StartPasswordReset' }>,
  ): Reply<'StartPasswordReset'> {
    const sessionId = randomUUID();
    let phoneNumber = '';
    const outcome = await onUser(command, command.payload.email, (state) => {
      phoneNumber = state.phoneNumber;
      return {
        type: 'StartPasswordReset',
        sessionId,
        otp: issueOtp(keys, config, sessionId, state.phoneNumber, clock(), state.locale),
        now: clock().toISOString(),
        smsBudget: config.smsBudget,
      };
    });
    return answer(outcome, () => challengeReply(sessionId, phoneNumber));
  }

  async function stagePasswordChange(
    command: Extract<IdentityCommand, { type: 'StagePasswordChange' }>,
  ): Reply<'StagePasswordChange'> {
    const { payload } = command;
    const secrets = openSecrets<{ password: string }>(payload.sealedSecrets);
    if (!secrets || typeof secrets.password !== 'string') return { ok: false, error: 'VALIDATION_FAILED' };
    const violation = newPasswordViolation(secrets.password);
    if (violation) return { ok: false, error: violation };
    const passwordHash = await passwordHasher.hash(secrets.password);
    const outcome = await onUser(command, payload.email, () => ({
      type: 'StagePasswordChange',
      sessionId: payload.sessionId,
      passwordHash,
      now: clock().toISOString(),
    }));
    return answer(outcome, () => ({
      sessionId: payload.sessionId,
      challengeType: 'SMS_OTP' as const,
      passwordStaged: true as const,
    }));
  }

  async function registerApiClient(
    command: Extract<IdentityCommand, { type: 'RegisterApiClient' }>,
  ): Reply<'RegisterApiClient'> {
    const { clientId, name, scopes, secretHash } = command.payload;
    const outcome = await decideAndAppend(
      store,
      streams.client(clientId),
      evolveApiClient,
      () => ({ registered: false }),
      (state) => decideApiClient({ clientId, name, scopes, secretHash }, state),
      metadataOf(command),
      cache,
    );
    return answer(outcome, () => ({
      clientId,
      created: outcome.decision.events.some((event) => event.type === 'ApiClientRegistered'),
    }));
  }

  async function recordSmsOutcome(
    command: Extract<IdentityCommand, { type: 'RecordSmsOutcome' }>,
  ): Reply<'RecordSmsOutcome'> {
    const { userId, outcome } = command.payload;
    const result = await decideAndAppend(
      store,
      streams.user(userId),
      evolveUserSeen,
      initialUserState,
      (state) =>
        state.registered || state.erased
          ? decideUser({ type: 'RecordSmsOutcome', outcome }, state)
          : { events: [], rejection: { error: 'USER_NOT_FOUND' as const } },
      metadataOf(command),
      cache,
    );
    return answer(result, () => ({ recorded: result.decision.events.length > 0 }));
  }

  async function logout(command: Extract<IdentityCommand, { type: 'Logout' }>): Reply<'Logout'> {
    const { userId, familyId } = command.payload;
    const result = await decideAndAppend(
      store,
      streams.user(userId),
      evolveUserSeen,
      initialUserState,
      (state) =>
        state.registered
          ? decideUser({ type: 'Logout', familyId }, state)
          : { events: [], rejection: { error: 'UNAUTHENTICATED' as const } },
      metadataOf(command),
      cache,
    );
    return answer(result, () => ({ loggedOut: true as const }));
  }

  /**
   * Erasure, in an order that survives a crash at any step and a retry: free
   * the email and phone (which needs them readable), destroy the key, then
   * record the fact. A retry after the key is gone finds nothing to free and
   * goes on to record it.
   */
  async function erasePersonalData(
    command: Extract<IdentityCommand, { type: 'ErasePersonalData' }>,
  ): Reply<'ErasePersonalData'> {
    const { userId } = command.payload;
    const state = await loadUser(userId);
    if (state.erased && state.erasedAt) return { ok: true, data: { userId, erasedAt: state.erasedAt } };
    if (!state.registered) return { ok: false, error: 'USER_NOT_FOUND' };
    const metadata = metadataOf(command);
    if (state.email) await reservations.release('email', state.clientId, state.email, userId, metadata);
    if (state.phoneNumber) await reservations.release('phone', state.clientId, state.phoneNumber, userId, metadata);
    const erasedAt = clock().toISOString();
    await deps.personalData.erase(userId, erasedAt);
    let recorded = erasedAt;
    const outcome = await decideAndAppend(
      store,
      streams.user(userId),
      evolveUserSeen,
      initialUserState,
      (current) => {
        recorded = current.erasedAt ?? erasedAt;
        return decideUser({ type: 'ErasePersonalData', erasedAt }, current);
      },
      metadataOf(command),
      cache,
    );
    return answer(outcome, () => ({ userId, erasedAt: recorded }));
  }

  /** A command on a user named by id (the gateway checked the caller may act on them). */
  const onUserId = (command: IdentityCommand, userId: string, toDomain: (state: UserState) => UserCommand) =>
    decideAndAppend(
      store,
      streams.user(userId),
      evolveUserSeen,
      initialUserState,
      (state) => decideUser(toDomain(state), state),
      metadataOf(command),
      cache,
    );

  async function openAccount(command: Extract<IdentityCommand, { type: 'OpenAccount' }>): Reply<'OpenAccount'> {
    const { userId } = command.payload;
    const accountId = randomUUID();
    let active = false;
    const outcome = await onUserId(command, userId, (state) => {
      active = state.kyc.status === 'APPROVED';
      return { type: 'OpenAccount', accountId };
    });
    return answer(outcome, () => ({
      userId,
      accountId,
      kind: 'SUB' as const,
      status: active ? ('ACTIVE' as const) : ('PENDING_KYC' as const),
    }));
  }

  async function startKyc(command: Extract<IdentityCommand, { type: 'StartKyc' }>): Reply<'StartKyc'> {
    const { userId } = command.payload;
    // Checked before the provider is asked: a refused start must cost the partner nothing.
    const refusal = kycStartRefusal(await loadUser(userId), config.kycMaxAttempts);
    if (refusal) return { ok: false, error: refusal };
    let identification;
    try {
      identification = await deps.kycProvider.startIdentification({ userId });
    } catch {
      return { ok: false, error: 'DEPENDENCY_UNAVAILABLE' };
    }
    let attempt = 0;
    const outcome = await onUserId(command, userId, (state) => {
      attempt = state.kyc.attempts + 1;
      return {
        type: 'StartKyc',
        identificationId: identification.identificationId,
        provider: deps.kycProvider.name,
        maxAttempts: config.kycMaxAttempts,
      };
    });
    return answer(outcome, () => ({
      identificationId: identification.identificationId,
      identificationUrl: identification.identificationUrl,
      numberOfAttempts: attempt,
      attemptsLeft: Math.max(0, config.kycMaxAttempts - attempt),
    }));
  }

  async function recordKycVerdict(
    command: Extract<IdentityCommand, { type: 'RecordKycVerdict' }>,
  ): Reply<'RecordKycVerdict'> {
    const { userId, identificationId, status, reason } = command.payload;
    const outcome = await onUserId(command, userId, () => ({
      type: 'RecordKycVerdict',
      identificationId,
      status,
      ...(reason ? { reason: reason.slice(0, 500) } : {}),
    }));
    const activatedAccountIds = outcome.decision.events.flatMap((event) =>
      event.type === 'AccountActivated' ? [event.data.accountId] : [],
    );
    return answer(outcome, () => ({ userId, identificationId, kycStatus: status, activatedAccountIds }));
  }

  async function activateAccount(
    command: Extract<IdentityCommand, { type: 'ActivateAccount' }>,
  ): Reply<'ActivateAccount'> {
    const { userId, accountId, note } = command.payload;
    const outcome = await onUserId(command, userId, () => ({
      type: 'ActivateAccount',
      accountId,
      note: note.slice(0, 500),
      activatedBy: command.metadata.clientId,
    }));
    return answer(outcome, () => ({ userId, accountId, status: 'ACTIVE' as const }));
  }

  async function createPortfolio(
    command: Extract<IdentityCommand, { type: 'CreatePortfolio' }>,
  ): Reply<'CreatePortfolio'> {
    const { userId, accountId, name } = command.payload;
    // Checked before the wallet is asked, so a refused portfolio leaves no address behind.
    const refusal = portfolioRefusal(await loadUser(userId), accountId, name);
    if (refusal) return { ok: false, error: refusal };
    const portfolioId = randomUUID();
    let publicAddress: string;
    try {
      ({ publicAddress } = await deps.wallet.issueAddress({ portfolioId }));
    } catch {
      return { ok: false, error: 'DEPENDENCY_UNAVAILABLE' };
    }
    const outcome = await onUserId(command, userId, () => ({
      type: 'CreatePortfolio',
      accountId,
      portfolioId,
      name,
      publicAddress,
    }));
    const created = outcome.decision.events.find((event) => event.type === 'PortfolioCreated');
    return answer(outcome, () => ({
      userId,
      accountId,
      portfolioId,
      name,
      publicAddress,
      portfolioAccountType: created?.type === 'PortfolioCreated' ? created.data.portfolioAccountType : 'STANDARD',
      creationTs: clock().toISOString(),
    }));
  }

  return {
    async handle(command) {
      switch (command.type) {
        case 'RegisterUser':
          return registerUser(command);
        case 'StartLogin':
          return startLogin(command);
        case 'VerifyOtp':
          return verifyOtp(command);
        case 'ResendOtp':
          return resendOtp(command);
        case 'RefreshSession':
          return refreshSession(command);
        case 'StartPasswordReset':
          return startPasswordReset(command);
        case 'StagePasswordChange':
          return stagePasswordChange(command);
        case 'RegisterApiClient':
          return registerApiClient(command);
        case 'RecordSmsOutcome':
          return recordSmsOutcome(command);
        case 'Logout':
          return logout(command);
        case 'ErasePersonalData':
          return erasePersonalData(command);
        case 'OpenAccount':
          return openAccount(command);
        case 'StartKyc':
          return startKyc(command);
        case 'RecordKycVerdict':
          return recordKycVerdict(command);
        case 'ActivateAccount':
          return activateAccount(command);
        case 'CreatePortfolio':
          return createPortfolio(command);
      }
    },
  };
}
